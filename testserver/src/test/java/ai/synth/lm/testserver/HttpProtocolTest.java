package ai.synth.lm.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpProtocolTest {

    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private final LocalBackend backend = LocalBackend.builder().build().start();

    @AfterEach
    void close() {
        backend.close();
    }

    private static String post(String path, String body, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + String.join("", headers)
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GARBAGE\r\n\r\n",
        "GET /v1/models HTTP/9.9\r\n\r\n",
        "GET v1/models HTTP/1.1\r\n\r\n",
        "GET /v1/models HTTP/1.1\r\nno colon here\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET /warmup/status/bad%zzname HTTP/1.1\r\n\r\n"})
    void answersAMalformedRequestWith400AndClosesTheConnection(String request) throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            connection.send(request);

            RawConnection.Response response = connection.read();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.headers()).containsEntry("connection", "close");
            assertThat(TestClient.parse(response.body()).at("/error/type").asText()).isEqualTo("invalid_request_error");
            assertThat(connection.closedByServer()).isTrue();
        }
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void servesPipelinedRequestsOnOneKeepAliveConnection() throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            connection.send(post("/v1/chat/completions", CHAT) + "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");

            RawConnection.Response first = connection.read();
            RawConnection.Response second = connection.read();

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.headers()).containsEntry("x-request-id", "req_local_1").doesNotContainKey("connection");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).contains("\"object\":\"list\"");
        }
    }

    @Test
    void closesAfterTheResponseWhenTheClientAsksTo() throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            connection.send("GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n");

            assertThat(connection.read().headers()).containsEntry("connection", "close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void answersAnH2cUpgradeRequestAsHttp11WithoutUpgrading() throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            connection.send(post("/v1/chat/completions", CHAT, "Connection: Upgrade, HTTP2-Settings\r\n",
                    "Upgrade: h2c\r\n", "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"));

            RawConnection.Response response = connection.read();

            assertThat(response.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(response.headers()).doesNotContainKey("upgrade");
            assertThat(backend.lastRequest().header("upgrade")).isEqualTo("h2c");
        }
    }

    @Test
    void readsAChunkedRequestBody() throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            String half = CHAT.substring(0, 20);
            String rest = CHAT.substring(20);
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n"
                    + Integer.toHexString(rest.length()) + ";ext=1\r\n" + rest + "\r\n0\r\n\r\n");

            assertThat(connection.read().status()).isEqualTo(200);
            assertThat(backend.lastRequest().body()).isEqualTo(CHAT);
        }
    }

    @Test
    void sends100ContinueBeforeReadingAnExpectedBody() throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: "
                    + CHAT.length() + "\r\n\r\n");
            assertThat(connection.read().statusLine()).isEqualTo("HTTP/1.1 100 Continue");

            connection.send(CHAT);

            assertThat(connection.read().status()).isEqualTo(200);
        }
    }

    @Test
    void keepsServingAfterClientsDisconnectMidRequestAndMidStream() throws Exception {
        try (RawConnection connection = new RawConnection(backend)) {
            connection.send("POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 500\r\n\r\n{\"mod");
        }
        backend.enqueue(Fault.streamStall());
        try (RawConnection connection = new RawConnection(backend)) {
            String stream = CHAT.replace("{", "{\"stream\":true,");
            connection.send(post("/v1/chat/completions", stream));
            assertThat(connection.readHead().headers()).containsEntry("transfer-encoding", "chunked");
        }

        TestClient client = new TestClient(backend);
        assertThat(client.chat(Map.of("model", "m", "messages", java.util.List.of(TestClient.user("Hi"))))
                .get("object").asText()).isEqualTo("chat.completion");
    }
}
