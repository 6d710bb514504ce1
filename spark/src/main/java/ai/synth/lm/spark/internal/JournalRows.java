package ai.synth.lm.spark.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The rows of a partition's journal files (results, then errors), read one line at a time so that memory stays
 * flat; each line becomes a row of {@link ai.synth.lm.spark.SparkBatch#resultSchema()}. Closing it closes the file
 * being read and runs {@code onClose} (which removes throwaway journals).
 */
final class JournalRows implements Iterator<Row>, Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Queue<Path> files;
    private final Runnable onClose;
    private BufferedReader reader;
    private Path current;
    private String next;
    private boolean closed;

    JournalRows(List<Path> files, Runnable onClose) {
        this.files = new ArrayDeque<>(files);
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null && !closed) {
                if (reader == null) {
                    current = files.poll();
                    if (current == null) {
                        close();
                        return false;
                    }
                    reader = Files.newBufferedReader(current, StandardCharsets.UTF_8);
                }
                next = reader.readLine();
                if (next == null) {
                    reader.close();
                    reader = null;
                } else if (next.isBlank()) {
                    next = null;
                }
            }
            return next != null;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the batch journal " + current, e);
        }
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String line = next;
        next = null;
        return row(line);
    }

    /** One result line as a row: id, custom_id, response (status_code, request_id, body), error (code, message). */
    static Row row(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("A batch journal line is not JSON", e);
        }
        JsonNode response = n.path("response");
        JsonNode error = n.path("error");
        Row responseRow = response.isObject() ? RowFactory.create(
                response.path("status_code").isInt() ? response.get("status_code").intValue() : null,
                text(response.path("request_id")),
                response.has("body") && !response.get("body").isNull() ? response.get("body").toString() : null)
                : null;
        Row errorRow = error.isObject() ? RowFactory.create(text(error.path("code")), text(error.path("message")))
                : null;
        return RowFactory.create(text(n.path("id")), text(n.path("custom_id")), responseRow, errorRow);
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (reader != null) {
                reader.close();
            }
        } catch (IOException e) {
            // Only read from; nothing is lost.
        } finally {
            onClose.run();
        }
    }
}
