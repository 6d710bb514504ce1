package ai.synth.lm.opentelemetry;

import ai.synth.lm.LMCall;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The span names and attribute sets of a listener, made once per distinct call and outcome and reused: building
 * and sorting them anew on every call was most of what the listener cost a call. At most {@value #MAX} of each are
 * kept, so that a stream of ever new model names costs a rebuild per call, never unbounded memory. The usual call
 * (a model already seen, on the server it was first seen on, ending without an error) is answered by lookups on the
 * call's own strings, with no key made for it. Thread-safe.
 */
final class AttributeCache {

    static final int MAX = 1024;
    /** How many response models a start keeps its successful outcomes' attributes by (the rest go by the map). */
    static final int MAX_RESPONSE_MODELS = 16;

    /** The metric attributes of one outcome: the duration's, and the token counts' by type. */
    record Metric(Attributes duration, Attributes input, Attributes output) {}

    /** What a span starts with: its name, and the attributes every call to the same model and server shares. */
    static final class Start {
        private final Shape shape;
        private final String name;
        private final Attributes attributes;
        // The successful outcomes' metric attributes by response model: a call's end finds them by its own string
        private final Map<String, Metric> succeeded = new ConcurrentHashMap<>();

        private Start(Shape shape, String name, Attributes attributes) {
            this.shape = shape;
            this.name = name;
            this.attributes = attributes;
        }

        /** The span name, {@code chat {model}}. */
        String name() {
            return name;
        }

        /** The operation, provider, request model and server attributes. */
        Attributes attributes() {
            return attributes;
        }
    }

    private record Shape(String provider, String model, String address, int port) {
        boolean of(LMCall call) {
            return port == call.serverPort() && provider.equals(call.provider()) && model.equals(call.model())
                    && Objects.equals(address, call.serverAddress());
        }
    }

    private record Outcome(Shape shape, String responseModel, String errorType) {}

    private final AttributeKey<String> providerKey;
    private final Map<String, Start> byModel = new ConcurrentHashMap<>(); // the first shape seen for each model
    private final Map<Shape, Start> starts = new ConcurrentHashMap<>();
    private final Map<Outcome, Metric> ends = new ConcurrentHashMap<>();

    AttributeCache(AttributeKey<String> providerKey) {
        this.providerKey = providerKey;
    }

    /** The span name and the operation, provider, request model and server attributes of {@code call}. */
    Start start(LMCall call) {
        Start start = known(call);
        if (start != null) {
            return start;
        }
        Shape shape = shape(call);
        start = new Start(shape, "chat " + call.model(), base(call).build());
        if (starts.size() < MAX) {
            Start raced = starts.putIfAbsent(shape, start);
            start = raced != null ? raced : start;
            byModel.putIfAbsent(call.model(), start);
        }
        return start;
    }

    /** The metric attributes of a call that ended with {@code responseModel} (or null) and {@code errorType}. */
    Metric end(LMCall call, String responseModel, String errorType) {
        Start start = known(call);
        boolean succeeded = start != null && errorType == null && responseModel != null;
        if (succeeded) {
            Metric metric = start.succeeded.get(responseModel);
            if (metric != null) {
                return metric;
            }
        }
        Outcome outcome = new Outcome(start != null ? start.shape : shape(call), responseModel, errorType);
        Metric metric = ends.get(outcome);
        if (metric == null) {
            metric = metric(call, responseModel, errorType);
            if (ends.size() < MAX) {
                ends.putIfAbsent(outcome, metric);
            }
        }
        if (succeeded && start.succeeded.size() < MAX_RESPONSE_MODELS) {
            start.succeeded.putIfAbsent(responseModel, metric);
        }
        return metric;
    }

    /** The kept start of {@code call}'s model and server, or null: by the model first, with no key made. */
    private Start known(LMCall call) {
        Start start = byModel.get(call.model());
        return start != null && start.shape.of(call) ? start : starts.get(shape(call));
    }

    private static Shape shape(LMCall call) {
        return new Shape(call.provider(), call.model(), call.serverAddress(), call.serverPort());
    }

    private Metric metric(LMCall call, String responseModel, String errorType) {
        AttributesBuilder b = base(call);
        if (responseModel != null) {
            b.put("gen_ai.response.model", responseModel);
        }
        if (errorType != null) {
            b.put("error.type", errorType);
        }
        Attributes duration = b.build();
        return new Metric(duration, duration.toBuilder().put("gen_ai.token.type", "input").build(),
                duration.toBuilder().put("gen_ai.token.type", "output").build());
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
