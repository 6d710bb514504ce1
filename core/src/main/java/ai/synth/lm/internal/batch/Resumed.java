package ai.synth.lm.internal.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * What earlier runs already settled, read back from the output and errors files: the {@code custom_id}s with a
 * result, and the input lines already reported as malformed, invalid or duplicate (by line number).
 */
final class Resumed {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    final Set<String> done = new HashSet<>();
    final Set<Long> reportedLines = new HashSet<>();

    /** Takes one existing line of {@code file}. */
    void take(Path file, long number, String line) {
        if (line.isBlank()) {
            return;
        }
        String customId = null;
        long inputLine = -1;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notAResult(file, number);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("custom_id") && value == JsonToken.VALUE_STRING) {
                    customId = p.getText();
                } else if (name.equals("line") && value == JsonToken.VALUE_NUMBER_INT) {
                    inputLine = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw notAResult(file, number);
        }
        if (inputLine > 0) {
            reportedLines.add(inputLine);
        } else if (customId != null) {
            done.add(customId);
        } else {
            throw notAResult(file, number);
        }
    }

    private static UncheckedIOException notAResult(Path file, long number) {
        return new UncheckedIOException(new IOException(file + " line " + number + " is not a batch result line: "
                + "give the batch an output file of its own (a new name, or one an earlier batch run wrote)"));
    }
}
