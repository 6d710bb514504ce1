package ai.synth.lm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * The reference: Jetty 12's non-blocking {@link HttpClient} (HTTP/1.1, and TLS with the JVM's trust store) posting
 * a prebuilt body, Jackson reading the tree, as the raw JDK floor does. Its per-host limits are raised so that it is
 * not capped: by default it opens at most 64 connections to a host and queues at most 1,024 requests.
 */
final class JettyClient implements BenchClient {

    static final int MAX_CONNECTIONS = 20_000;
    static final int MAX_QUEUED = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BODY = Fixtures.requestBody(false);
    private static final byte[] STREAM_BODY = Fixtures.requestBody(true);

    private final HttpClient http = new HttpClient();
    private final String uri;

    JettyClient(String baseUrl) {
        uri = baseUrl + "/chat/completions";
        http.setMaxConnectionsPerDestination(MAX_CONNECTIONS);
        http.setMaxRequestsQueuedPerDestination(MAX_QUEUED);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty's HttpClient did not start", e);
        }
    }

    private Request request(byte[] body) {
        return http.newRequest(uri).method(HttpMethod.POST)
                .headers(h -> h.put(HttpHeader.AUTHORIZATION, "Bearer bench-key"))
                .body(new BytesRequestContent("application/json", body));
    }

    private static int parse(int status, byte[] body) {
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status);
        }
        try {
            JsonNode tree = JSON.readTree(body);
            return tree.path("choices").path(0).path("message").path("content").asText().length();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int call() throws Exception {
        var response = request(BODY).send();
        return parse(response.getStatus(), response.getContent());
    }

    @Override
    public CompletableFuture<Integer> callAsync() {
        CompletableFuture<Integer> out = new CompletableFuture<>();
        request(BODY).send(new BufferingResponseListener(4 * 1024 * 1024) {
            @Override
            public void onComplete(Result result) {
                if (result.isFailed()) {
                    out.completeExceptionally(result.getFailure());
                    return;
                }
                try {
                    out.complete(parse(result.getResponse().getStatus(), getContent()));
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            }
        });
        return out;
    }

    @Override
    public int stream() throws Exception {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request(STREAM_BODY).send(listener);
        Response response = listener.get(60, TimeUnit.SECONDS);
        int chunks = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(listener.getInputStream(),
                StandardCharsets.UTF_8))) {
            if (response.getStatus() != 200) {
                throw new IllegalStateException("HTTP " + response.getStatus());
            }
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
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
        return "send(listener), non-blocking; HTTP/1.1; maxConnectionsPerDestination " + MAX_CONNECTIONS
                + " (default 64), maxRequestsQueuedPerDestination " + MAX_QUEUED + " (default 1,024); its default"
                + " thread pool (QueuedThreadPool, at most 200)";
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // the JVM ends right after
        }
    }
}
