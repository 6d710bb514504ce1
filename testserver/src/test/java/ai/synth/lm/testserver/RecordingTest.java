package ai.synth.lm.testserver;

import static ai.synth.lm.testserver.TestClient.chatBody;
import static ai.synth.lm.testserver.TestClient.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordingTest {

    private final LocalBackend backend = LocalBackend.builder().build().start();
    private final TestClient client = new TestClient(backend);

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void recordsMethodPathHeadersAndBody() throws Exception {
        client.post("/v1/chat/completions", chatBody("m", user("Hi")), "X-Custom", "one", "X-Custom", "two");

        RecordedRequest request = backend.lastRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("X-CUSTOM")).isEqualTo("one");
        assertThat(request.headers().get("x-custom")).containsExactly("one", "two");
        assertThat(request.headers().keySet()).allMatch(name -> name.equals(name.toLowerCase()));
        assertThat(request.header("x-missing")).isNull();
        assertThat(request.body()).contains("\"Hi\"");
        assertThat(request.bodyJson()).containsEntry("model", "m")
                .containsEntry("messages", List.of(Map.of("role", "user", "content", "Hi")));
    }

    @Test
    void recordsEveryRequestInOrderWithItsNumber() throws Exception {
        client.get("/v1/models?limit=2");
        client.post("/warmup/m", "");
        client.get("/nowhere");

        List<RecordedRequest> requests = backend.requests();

        assertThat(requests).extracting(RecordedRequest::path)
                .containsExactly("/v1/models?limit=2", "/warmup/m", "/nowhere");
        assertThat(requests).extracting(RecordedRequest::sequence).containsExactly(1L, 2L, 3L);
        assertThat(backend.requestCount("/v1/")).isEqualTo(1);
        assertThat(backend.requestCount("/")).isEqualTo(3);
    }

    @Test
    void clearsRecordingsButKeepsNumbering() throws Exception {
        client.get("/v1/models");
        backend.clearRequests();

        assertThat(backend.requests()).isEmpty();
        assertThatThrownBy(backend::lastRequest).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("since clearRequests()");
        client.get("/v1/models");
        assertThat(backend.lastRequest().sequence()).isEqualTo(2);
    }

    @Test
    void refusesBodyJsonForABodyThatIsNotAnObject() throws Exception {
        client.get("/v1/models");

        assertThatThrownBy(() -> backend.lastRequest().bodyJson()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void withoutBodiesRecordsEachRequestButItsBodyAndStillAnswersFromIt() throws Exception {
        try (LocalBackend lean = LocalBackend.builder().recordBodies(false).build().start()) {
            TestClient leanClient = new TestClient(lean);

            var response = leanClient.post("/v1/chat/completions", chatBody("m", user("Hi there")), "X-Custom", "one");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("Hi there");
            RecordedRequest request = lean.lastRequest();
            assertThat(request.path()).isEqualTo("/v1/chat/completions");
            assertThat(request.header("x-custom")).isEqualTo("one");
            assertThat(request.bodySize()).isEqualTo(Integer.parseInt(request.header("content-length")));
            assertThat(lean.requestCount("/v1/chat")).isEqualTo(1);
            assertThatThrownBy(request::body).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("recordBodies(false)");
            assertThatThrownBy(request::bodyJson).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("recordBodies(false)");
        }
    }
}
