package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The tests' client: the JDK HttpClient and Jackson, nothing from synth-lm. */
final class TestClient {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    TestClient(LocalBackend backend) {
        this.baseUrl = backend.baseUrl();
    }

    HttpResponse<String> post(String path, Object body, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).GET());
    }

    /** Sends a chat request and returns the parsed 200 body. */
    JsonNode chat(Map<String, Object> body) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/v1/chat/completions", body);
        if (response.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json");
        return headers.length == 0 ? builder : builder.headers(headers);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String json(Object value) {
        try {
            return value instanceof String ? (String) value : MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payloads of the {@code data:} lines of an event stream, in order. */
    static List<String> dataLines(String eventStream) {
        List<String> data = new ArrayList<>();
        for (String line : eventStream.split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        }
        return data;
    }

    static Map<String, Object> user(String text) {
        return Map.of("role", "user", "content", text);
    }

    static Map<String, Object> chatBody(String model, Object... messages) {
        return Map.of("model", model, "messages", List.of(messages));
    }

    /** A copy of the body with more fields, e.g. {@code with(body, "max_tokens", 3)}. */
    static Map<String, Object> with(Map<String, Object> body, String key, Object value, Object... more) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(body);
        copy.put(key, value);
        for (int i = 0; i < more.length; i += 2) {
            copy.put((String) more[i], more[i + 1]);
        }
        return copy;
    }

    static Map<String, Object> weatherTool() {
        return Map.of("type", "function", "function", Map.of(
                "name", "get_weather",
                "description", "Get weather for a location",
                "parameters", Map.of("type", "object",
                        "properties", Map.of("location", Map.of("type", "string")),
                        "required", List.of("location"))));
    }
}
