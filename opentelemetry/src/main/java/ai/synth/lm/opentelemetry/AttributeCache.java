package ai.synth.lm.opentelemetry;

import ai.synth.lm.LMCall;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The span names and attribute sets of a listener, made once per distinct call and outcome and reused: building
 * and sorting them anew on every call was most of what the listener cost a call. At most {@value #MAX} of each are
 * kept, so that a stream of ever new model names costs a rebuild per call, never unbounded memory. Thread-safe.
 */
final class AttributeCache {

    static final int MAX = 1024;

    /** What a span starts with: its name, and the attributes every call to the same model and server shares. */
    record Start(String name, Attributes attributes) {}

    /** The metric attributes of one outcome: the duration's, and the token counts' by type. */
    record Metric(Attributes duration, Attributes input, Attributes output) {}

    private record Shape(String provider, String model, String address, int port) {}

    private record Outcome(Shape shape, String responseModel, String errorType) {}

    private final AttributeKey<String> providerKey;
    private final Map<Shape, Start> starts = new ConcurrentHashMap<>();
    private final Map<Outcome, Metric> ends = new ConcurrentHashMap<>();

    AttributeCache(AttributeKey<String> providerKey) {
        this.providerKey = providerKey;
    }

    /** The span name and the operation, provider, request model and server attributes of {@code call}. */
    Start start(LMCall call) {
        Shape shape = shape(call);
        Start start = starts.get(shape);
        if (start == null) {
            start = new Start("chat " + call.model(), base(call).build());
            if (starts.size() < MAX) {
                starts.putIfAbsent(shape, start);
            }
        }
        return start;
    }

    /** The metric attributes of a call that ended with {@code responseModel} (or null) and {@code errorType}. */
    Metric end(LMCall call, String responseModel, String errorType) {
        Outcome outcome = new Outcome(shape(call), responseModel, errorType);
        Metric metric = ends.get(outcome);
        if (metric == null) {
            AttributesBuilder b = base(call);
            if (responseModel != null) {
                b.put("gen_ai.response.model", responseModel);
            }
            if (errorType != null) {
                b.put("error.type", errorType);
            }
            Attributes duration = b.build();
            metric = new Metric(duration, duration.toBuilder().put("gen_ai.token.type", "input").build(),
                    duration.toBuilder().put("gen_ai.token.type", "output").build());
            if (ends.size() < MAX) {
                ends.putIfAbsent(outcome, metric);
            }
        }
        return metric;
    }

    private static Shape shape(LMCall call) {
        return new Shape(call.provider(), call.model(), call.serverAddress(), call.serverPort());
    }

    private AttributesBuilder base(LMCall call) {
        AttributesBuilder b = Attributes.builder().put("gen_ai.operation.name", call.operation())
                .put(providerKey, call.provider()).put("gen_ai.request.model", call.model())
                .put("server.port", (long) call.serverPort());
        if (call.serverAddress() != null) {
            b.put("server.address", call.serverAddress());
        }
        return b;
    }
}
