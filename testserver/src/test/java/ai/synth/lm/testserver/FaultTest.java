package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultTest {

    private static final Map<String, Object> HELLO = chatBody("m", user("Hello"));

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    private HttpResponse<String> chat() throws Exception {
        return client.post("/v1/chat/completions", HELLO);
    }

    @Test
    void answersRateLimitedWithoutRetryAfter() throws Exception {
        backend.enqueue(Fault.rateLimited());

        HttpResponse<String> response = chat();

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).isEmpty();
        JsonNode error = TestClient.parse(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("message").asText()).contains("local backend");
    }

    @Test
    void answersRateLimitedWithRetryAfterInWholeSecondsRoundedUp() throws Exception {
        backend.enqueue(Fault.rateLimited(Duration.ofSeconds(1)));
        backend.enqueue(Fault.rateLimited(Duration.ofMillis(1500)));

        assertThat(chat().headers().firstValue("retry-after")).hasValue("1");
        assertThat(chat().headers().firstValue("retry-after")).hasValue("2");
    }

    @Test
    void usesEachFaultOnceInFifoOrderThenAnswersNormally() throws Exception {
        backend.enqueue(Fault.status(503));
        backend.enqueue(Fault.status(500).withHeader("x-should-retry", "false"));

        HttpResponse<String> first = chat();
        HttpResponse<String> second = chat();
        HttpResponse<String> third = chat();

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(TestClient.parse(first.body()).at("/error/type").asText()).isEqualTo("server_error");
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(second.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(backend.requests()).hasSize(3);
    }

    @Test
    void holdsBackTheHeadersThenAnswersNormally() throws Exception {
        backend.enqueue(Fault.slowHeaders(Duration.ofMillis(200)));

        long start = System.nanoTime();
        HttpResponse<String> response = chat();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(TestClient.parse(response.body()).get("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void disconnectsBeforeHeaders() throws Exception {
        backend.enqueue(Fault.disconnectBeforeHeaders());

        assertThatThrownBy(this::chat).isInstanceOf(IOException.class);
        assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(1);
        assertThat(chat().statusCode()).isEqualTo(200);
    }

    @Test
    void disconnectsAfterHeaders() throws Exception {
        backend.enqueue(Fault.disconnectAfterHeaders());

        assertThatThrownBy(this::chat).isInstanceOf(IOException.class);
        assertThat(chat().statusCode()).isEqualTo(200);
    }

    @Test
    void disconnectsMidBody() throws Exception {
        backend.enqueue(Fault.disconnectMidBody());

        try (RawConnection raw = new RawConnection(backend)) {
            raw.send(rawChat());
            RawConnection.Response head = raw.readHead();
            byte[] part = raw.readBytes(1024, Duration.ofSeconds(10));

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers()).containsEntry("content-length", "512");
            assertThat(part.length).isPositive().isLessThan(512);
            assertThat(new String(part, StandardCharsets.UTF_8)).startsWith("{\"id\":");
        }
        assertThat(chat().statusCode()).isEqualTo(200);
    }

    @Test
    void stallsMidBodyUntilTheClientGivesUp() throws Exception {
        backend.enqueue(Fault.bodyStall());

        try (RawConnection raw = new RawConnection(backend)) {
            raw.send(rawChat());
            RawConnection.Response head = raw.readHead();
            byte[] part = raw.readBytes(FaultResponder.TRUNCATED_JSON.length, Duration.ofSeconds(10));

            assertThat(head.headers()).containsEntry("content-length", "512");
            assertThat(part).isEqualTo(FaultResponder.TRUNCATED_JSON);
            assertThatThrownBy(() -> raw.readBytes(1, Duration.ofMillis(200))).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(chat().statusCode()).isEqualTo(200);
    }

    private static String rawChat() {
        String body = TestClient.json(HELLO);
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void answersTruncatedJson() throws Exception {
        backend.enqueue(Fault.malformedJson());

        HttpResponse<String> response = chat();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThatThrownBy(() -> TestClient.MAPPER.readTree(response.body())).isInstanceOf(IOException.class);
    }

    @Test
    void answersAnyRawResponse() throws Exception {
        backend.enqueue(Fault.body(502, "text/html", "<html>bad gateway</html>"));

        HttpResponse<String> response = chat();

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html");
        assertThat(response.body()).isEqualTo("<html>bad gateway</html>");
    }

    @Test
    void appliesAnEnqueueForFaultOnlyToItsPathPrefix() throws Exception {
        backend.enqueueFor("/warmup/", Fault.status(404));

        HttpResponse<String> chat = chat();
        HttpResponse<String> warmup = client.post("/warmup/m", "");
        HttpResponse<String> again = client.post("/warmup/m", "");

        assertThat(chat.statusCode()).isEqualTo(200);
        assertThat(warmup.statusCode()).isEqualTo(404);
        assertThat(again.statusCode()).isEqualTo(200);
    }

    @Test
    void leavesNonChatRequestsToEnqueueForFaults() throws Exception {
        backend.enqueue(Fault.status(503));

        assertThat(client.get("/v1/models").statusCode()).isEqualTo(200);
        assertThat(chat().statusCode()).isEqualTo(503);
    }

    @Test
    void recordsRequestsAnsweredWithAFault() throws Exception {
        backend.enqueue(Fault.status(500));

        chat();

        assertThat(backend.lastRequest().bodyJson()).containsEntry("model", "m");
    }
}
