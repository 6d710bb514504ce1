package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.dataLines;
import static ai.synth.lm.testserver.TestClient.user;
import static ai.synth.lm.testserver.TestClient.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamFaultTest {

    private static final String STREAM_BODY = TestClient.json(with(chatBody("m", user("one two three")), "stream", true));

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private HttpResponse<String> stream() throws Exception {
        return client.post("/v1/chat/completions", STREAM_BODY);
    }

    private HttpResponse<InputStream> openStream() throws Exception {
        return TestClient.HTTP.send(client.request("/v1/chat/completions")
                .POST(BodyPublishers.ofString(STREAM_BODY)).build(), BodyHandlers.ofInputStream());
    }

    @Test
    void stallsAfterTheFirstEventsUntilTheBackendCloses() throws Exception {
        backend.enqueue(Fault.streamStall());
        HttpResponse<InputStream> response = openStream();
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        List<String> events = new ArrayList<>();
        while (events.size() < 2) {
            String line = reader.readLine();
            if (line.startsWith("data: ")) {
                events.add(line);
            }
        }

        backend.close();

        List<String> after = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                after.add(line);
            }
            throw new IOException("ended without error");
        }).isInstanceOf(IOException.class);
        assertThat(after).noneMatch(line -> line.startsWith("data:"));
    }

    @Test
    void disconnectsAfterTheGivenNumberOfEvents() throws Exception {
        backend.enqueue(Fault.streamDisconnect(2));
        HttpResponse<InputStream> response = openStream();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(IOException.class);
    }

    @Test
    void sendsAnErrorEventAfterTheFirstEventThenEnds() throws Exception {
        backend.enqueue(Fault.streamErrorEvent("overloaded"));

        HttpResponse<String> response = stream();

        assertThat(response.body()).startsWith("data: {");
        assertThat(dataLines(response.body())).hasSize(2).doesNotContain("[DONE]");
        assertThat(response.body()).endsWith("event: error\n"
                + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
    }

    @Test
    void sendsATruncatedEventThenEnds() throws Exception {
        backend.enqueue(Fault.streamMalformedChunk());

        HttpResponse<String> response = stream();

        List<String> data = dataLines(response.body());
        assertThat(data).hasSize(2);
        assertThat(data.get(1)).isEqualTo("{\"id\": ");
    }

    @Test
    void sendsEveryEventButDone() throws Exception {
        backend.enqueue(Fault.streamNoDone());

        HttpResponse<String> response = stream();

        List<String> data = dataLines(response.body());
        assertThat(data).doesNotContain("[DONE]");
        assertThat(TestClient.parse(data.get(data.size() - 1)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(response.headers().firstValue("connection")).hasValue("close");
    }

    @Test
    void replaysRawBytesAsAnEventStream() throws Exception {
        String raw = "data: {\"custom\":true}\n\ndata: [DONE]\n\n";
        backend.enqueue(Fault.replay(raw.getBytes(StandardCharsets.UTF_8)));

        HttpResponse<String> response = stream();

        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(response.body()).isEqualTo(raw);
    }

    @Test
    void leavesStreamFaultsForAStreamingRequest() throws Exception {
        backend.enqueue(Fault.streamNoDone());

        HttpResponse<String> plain = client.post("/v1/chat/completions", chatBody("m", user("Hi")));
        HttpResponse<String> streamed = stream();

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(dataLines(streamed.body())).doesNotContain("[DONE]");
    }
}
