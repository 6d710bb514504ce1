package ai.synth.lm.internal.batch;

import ai.synth.lm.internal.wire.JsonValueIO;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a batch input one line at a time, so memory stays flat however large the file. A line is either an
 * OpenAI Batch line ({@code custom_id}, {@code method}, {@code url}, {@code body}) or a bare request body, whose
 * id is then its line number. Blank lines are skipped. Lines are parsed from their UTF-8 bytes as read, never
 * decoded to a string first; a line that is not valid UTF-8 is reported as malformed like any other.
 */
final class InputReader implements InputSource {

    static final String MALFORMED = "malformed_line";
    static final String INVALID_REQUEST = "invalid_request";
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final LineReader lines;
    private final ReusedParser reused = new ReusedParser();
    private final String model;
    private long lineNumber;

    InputReader(Path input, String model) throws IOException {
        this.lines = new LineReader(Files.newInputStream(input));
        this.model = model;
    }

    /** The next non-blank line, or null at the end of the file. */
    @Override
    public InputLine next() throws IOException {
        while (lines.next()) {
            lineNumber++;
            if (!isBlank(lines.bytes(), lines.length())) {
                Object json = reused.read(lines.bytes(), lines.length());
                return json instanceof Map ? request(lineNumber, RequestJson.object("line", json), model)
                        : parse(lineNumber, lines.bytes(), lines.length(), model);
            }
        }
        return null;
    }

    /** Whether the line holds only whitespace, as {@link String#isBlank()} has it, decoding only non-ASCII. */
    static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b < 0) {
                return new String(line, i, length - i, StandardCharsets.UTF_8).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /** Parses line {@code n}, the first {@code length} bytes of {@code line}, as UTF-8 JSON. */
    static InputLine parse(long n, byte[] line, int length, String model) {
        Map<String, Object> json;
        try {
            json = RequestJson.object("line", readJson(JSON.createParser(line, 0, length)));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String column = at == null ? "" : " at column " + at.getColumnNr();
            return new InputLine.Bad(n, null, MALFORMED, "line " + n + " is not valid JSON" + column);
        } catch (IOException | IllegalArgumentException e) {
            return new InputLine.Bad(n, null, MALFORMED, "line " + n + " is not a JSON object");
        }
        return request(n, json, model);
    }

    /** Line {@code n}, read as the JSON object {@code json}. */
    private static InputLine request(long n, Map<String, Object> json, String model) {
        boolean batchLine = json.containsKey("custom_id") || json.containsKey("body");
        String customId = batchLine ? idOf(json.get("custom_id")) : Long.toString(n);
        if (customId == null) {
            return new InputLine.Bad(n, null, MALFORMED,
                    "line " + n + " has no \"custom_id\" string: give each line a unique custom_id");
        }
        try {
            Map<String, Object> body = batchLine ? batchBody(json) : json;
            return new InputLine.Request(n, customId, RequestJson.read(body, model));
        } catch (IllegalArgumentException e) {
            return new InputLine.Bad(n, customId, INVALID_REQUEST, "line " + n + ": " + e.getMessage());
        }
    }

    /**
     * A request given as its {@code custom_id} and body apart (a row rather than a line); {@code what} names it in
     * messages, e.g. {@code "partition 3, row 17"}.
     */
    static InputLine parseBody(long n, String what, String customId, String body, String model) {
        if (customId == null || customId.isEmpty()) {
            return new InputLine.Bad(n, null, MALFORMED, what + " has no custom_id: give each row a unique one");
        }
        if (body == null) {
            return new InputLine.Bad(n, customId, MALFORMED, what + " has no body: give it a request body");
        }
        Map<String, Object> json;
        try {
            json = RequestJson.object("body", readJson(JSON.createParser(body)));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String column = at == null ? "" : " at column " + at.getColumnNr();
            return new InputLine.Bad(n, customId, MALFORMED, what + ": the body is not valid JSON" + column);
        } catch (IOException | IllegalArgumentException e) {
            return new InputLine.Bad(n, customId, MALFORMED, what + ": the body is not a JSON object");
        }
        try {
            return new InputLine.Request(n, customId, RequestJson.read(json, model));
        } catch (IllegalArgumentException e) {
            return new InputLine.Bad(n, customId, INVALID_REQUEST, what + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> batchBody(Map<String, Object> json) {
        Object method = json.get("method");
        if (method != null && !"POST".equals(method)) {
            throw new IllegalArgumentException("\"method\" must be POST");
        }
        Object url = json.get("url");
        if (url != null && !"/v1/chat/completions".equals(url) && !"/chat/completions".equals(url)) {
            throw new IllegalArgumentException("\"url\" must be /v1/chat/completions, the only endpoint a batch runs");
        }
        return RequestJson.object("body", json.get("body"));
    }

    private static String idOf(Object id) {
        return id instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Object readJson(JsonParser parser) throws IOException {
        try (JsonParser p = parser) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not an object");
            }
            Object value = JsonValueIO.read(p, first);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing data");
            }
            return value;
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
