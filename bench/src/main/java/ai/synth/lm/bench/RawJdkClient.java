package ai.synth.lm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The floor: the JDK {@link HttpClient} posting a prebuilt body and Jackson reading the tree. No retries, no
 * timeouts, no typed errors. HTTP/1.1 is set on http://, as synth-lm sets it there; on https:// the client's default
 * (HTTP/2 offered by ALPN, HTTP/1.1 when the server does not take it), as synth-lm's JDK client does.
 */
final class RawJdkClient implements BenchClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BODY = Fixtures.requestBody(false);
    private static final byte[] STREAM_BODY = Fixtures.requestBody(true);

    private final HttpClient http;
    private final URI uri;
    private final boolean tls;

    RawJdkClient(String baseUrl) {
        uri = URI.create(baseUrl + "/chat/completions");
        tls = uri.getScheme().equals("https");
        http = tls ? HttpClient.newHttpClient()
                : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    private HttpRequest request(byte[] body) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer bench-key")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static int parse(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        try {
            JsonNode tree = JSON.readTree(response.body());
            return tree.path("choices").path(0).path("message").path("content").asText().length();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int call() throws IOException, InterruptedException {
        return parse(http.send(request(BODY), HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        return http.sendAsync(request(BODY), HttpResponse.BodyHandlers.ofByteArray()).thenApply(RawJdkClient::parse);
    }

    @Override
    public int stream() throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = http.send(request(STREAM_BODY), HttpResponse.BodyHandlers.ofLines());
        int chunks = 0;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    String content = JSON.readTree(line.substring(6)).path("choices").path(0).path("delta")
                            .path("content").asText("");
                    if (!content.isEmpty()) {
                        chunks++;
                    }
                }
            }
        }
        return chunks;
    }

    @Override
    public String limits() {
        return "sendAsync; JDK HttpClient defaults (" + (tls ? "HTTP/2 offered on https" : "HTTP/1.1 set on http")
                + "; its pool keeps every connection)";
    }

    @Override
    public void close() {
        // JDK 17's client has no close; its threads end when it is unreachable
    }
}
