package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;

/** {@code POST /v1/chat/completions}: validates, warms the model, and answers as JSON or as an SSE stream. */
final class ChatEndpoint {

    private final ModelStates models;
    private final Duration chunkDelay;

    ChatEndpoint(ModelStates models, Duration chunkDelay) {
        this.models = models;
        this.chunkDelay = chunkDelay;
    }

    static boolean isChatPath(String path) {
        return path.equals("/v1/chat/completions") || path.equals("/chat/completions");
    }

    /**
     * Answers one chat request.
     *
     * @param body the parsed body, or null when it was not JSON
     * @param sequence the request's number, for the completion id
     * @param streamFault a stream fault to apply, or null
     */
    void handle(Exchange exchange, JsonNode body, long sequence, Fault streamFault)
            throws IOException, InterruptedException {
        ChatRequest request = ChatRequest.parse(body);
        models.awaitWarm(request.model());
        SimulatedReply reply = Simulator.reply(request);
        long created = System.currentTimeMillis() / 1000;
        ChatJson json = new ChatJson("chatcmpl-local-" + sequence, created, request.model());
        if (request.stream()) {
            new SseStream(exchange, chunkDelay).send(json.chunks(reply, request.n(), request.includeUsage()),
                    streamFault);
        } else {
            exchange.respondJson(200, json.completion(reply, request.n()));
        }
    }
}
