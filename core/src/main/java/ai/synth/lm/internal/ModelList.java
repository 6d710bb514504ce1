package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonValueIO;

import ai.synth.lm.internal.http.Request;
import ai.synth.lm.internal.http.Response;

import ai.synth.lm.InvalidResponseException;
import ai.synth.lm.Model;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code GET {apiBase}/models}, with the engine's retries, read into {@link Model} records. */
public final class ModelList {
    private ModelList() {}

    /** The models the provider lists; fails like a chat call does, or with an {@link InvalidResponseException}. */
    public static CompletableFuture<List<Model>> fetch(HttpEngine engine) {
        Request request = engine.request("GET", URI.create(engine.settings().apiBase() + "/models"));
        return engine.execute(request, (response, attempts) -> read(engine, response, attempts));
    }

    private static List<Model> read(HttpEngine engine, Response response, int attempts) {
        Object json;
        try {
            json = JsonValueIO.parse(response.bytes());
        } catch (IOException | RuntimeException e) {
            json = null;
        }
        if (!(json instanceof Map<?, ?> list) || !(list.get("data") instanceof List<?> data)) {
            String provider = engine.settings().provider();
            throw new InvalidResponseException(provider + " answered GET /models with HTTP " + response.status()
                    + " but not a model list ({\"object\": \"list\", \"data\": [...]}); the backend may not list its"
                    + " models", null, provider, response.status(),
                    response.headers().firstValue("x-request-id").orElse(null), attempts);
        }
        List<Model> models = new ArrayList<>(data.size());
        for (Object item : data) {
            if (item instanceof Map<?, ?> entry && entry.get("id") instanceof String id) {
                Map<String, Object> extra = new LinkedHashMap<>();
                entry.forEach((k, v) -> extra.put(String.valueOf(k), v));
                extra.keySet().removeAll(List.of("id", "object", "created", "owned_by"));
                models.add(new Model(id, entry.get("object") instanceof String o ? o : null,
                        entry.get("created") instanceof Number n ? n.longValue() : 0,
                        entry.get("owned_by") instanceof String owner ? owner : null, extra));
            }
        }
        return List.copyOf(models);
    }
}
