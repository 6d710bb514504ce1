package ai.synth.lm.testserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Answers each request of the local backend: records it, plays a queued fault, checks the bearer key, and
 * dispatches to chat completions, the model list or the Synth warmup endpoints.
 */
final class Router implements HttpConnection.Handler {

    private static final String WARMUP = "/warmup/";
    private static final String WARMUP_STATUS = "/warmup/status/";

    private final BackendConfig config;
    private final FaultQueue faults;
    private final RequestLog log;
    private final ModelStates models;
    private final ChatEndpoint chat;
    private final long createdEpochSeconds = System.currentTimeMillis() / 1000;

    Router(BackendConfig config, FaultQueue faults, RequestLog log, ModelStates models) {
        this.config = config;
        this.faults = faults;
        this.log = log;
        this.models = models;
        this.chat = new ChatEndpoint(models, config.streamChunkDelay());
    }

    @Override
    public void handle(HttpRequest request, Exchange exchange) throws IOException, InterruptedException {
        long sequence = log.record(request).sequence();
        exchange.addHeader("x-request-id", "req_local_" + sequence);
        boolean chatPath = ChatEndpoint.isChatPath(request.path());
        JsonNode body = chatPath ? Json.parseOrNull(request.body()) : null;
        Fault fault = faults.take(request, body != null && body.path("stream").booleanValue());
        try {
            if (fault != null && FaultResponder.play(fault, exchange)) {
                return;
            }
            checkAuthorization(request);
            if (chatPath) {
                requireMethod("POST", request, exchange);
                chat.handle(exchange, body, sequence, fault);
            } else {
                exchange.respondJson(200, answer(request, exchange));
            }
        } catch (ApiError error) {
            exchange.respondJson(error.status(), error.toJson());
        }
    }

    private JsonNode answer(HttpRequest request, Exchange exchange) {
        String path = request.path();
        if (path.equals("/v1/models") || path.equals("/models")) {
            requireMethod("GET", request, exchange);
            return modelList();
        }
        if (path.startsWith(WARMUP_STATUS) && request.method().equals("GET")) {
            ModelStates.Status status = models.poll(modelIn(path, WARMUP_STATUS));
            ObjectNode json = Json.object().put("status", status.status());
            return status.error() == null ? json : json.put("error", status.error());
        }
        if (path.startsWith(WARMUP)) {
            requireMethod("POST", request, exchange);
            return Json.object().put("status", models.startWarmup(modelIn(path, WARMUP)));
        }
        throw ApiError.notFound("Unknown path: " + request.method() + " " + request.target()
                + ". The synth-lm local backend serves POST /v1/chat/completions, GET /v1/models, "
                + "POST /warmup/{model} and GET /warmup/status/{model}.");
    }

    private ObjectNode modelList() {
        ObjectNode list = Json.object().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String model : config.models()) {
            data.addObject().put("id", model).put("object", "model").put("created", createdEpochSeconds)
                    .put("owned_by", "synth-lm-local");
        }
        return list;
    }

    private static String modelIn(String path, String prefix) {
        String model = path.substring(prefix.length());
        if (model.isEmpty()) {
            throw ApiError.notFound("No model name in the path: use " + prefix + "{model}");
        }
        return model;
    }

    private static void requireMethod(String method, HttpRequest request, Exchange exchange) {
        if (!request.method().equals(method)) {
            exchange.addHeader("Allow", method);
            throw new ApiError(405, "Method " + request.method() + " is not allowed on " + request.path()
                    + "; use " + method + ".", "invalid_request_error", null, "method_not_allowed");
        }
    }

    private void checkAuthorization(HttpRequest request) {
        if (config.apiKey() == null) {
            return;
        }
        String header = request.header("authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, config.apiKey().getBytes(StandardCharsets.UTF_8))) {
            throw unauthorized("Incorrect API key provided to the synth-lm local backend.");
        }
    }

    private static ApiError unauthorized(String message) {
        return new ApiError(401, message, "invalid_request_error", null, "invalid_api_key");
    }
}
