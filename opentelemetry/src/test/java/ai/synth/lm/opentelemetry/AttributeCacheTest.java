package ai.synth.lm.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.LMCall;
import io.opentelemetry.api.common.AttributeKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributeCacheTest {

    private final AttributeCache cache = new AttributeCache(AttributeKey.stringKey("gen_ai.system"));

    private static LMCall call(String model) {
        return new LMCall("synth", null, "127.0.0.1", 8080, ChatCompletionRequest.of(model,
                List.of(ChatMessage.user("Hi"))), false);
    }

    @Test
    void reusesTheAttributesOfCallsToTheSameModelAndServer() {
        AttributeCache.Start first = cache.start(call("m"));

        assertThat(cache.start(call("m"))).isSameAs(first);
        assertThat(first.name()).isEqualTo("chat m");
        assertThat(first.attributes().get(AttributeKey.longKey("server.port"))).isEqualTo(8080L);
        assertThat(cache.end(call("m"), "m-1", null)).isSameAs(cache.end(call("m"), "m-1", null));
        assertThat(cache.end(call("m"), "m-1", "500").duration().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("500");
    }

    @Test
    void stillAnswersRightPastItsBoundWithoutKeepingMore() {
        for (int i = 0; i < AttributeCache.MAX + 500; i++) {
            String model = "model-" + i;
            assertThat(cache.start(call(model)).name()).isEqualTo("chat " + model);
            AttributeCache.Metric metric = cache.end(call(model), model, null);
            assertThat(metric.output().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo(model);
            assertThat(metric.output().get(AttributeKey.stringKey("gen_ai.token.type"))).isEqualTo("output");
        }
        String late = "model-" + (AttributeCache.MAX + 100);
        assertThat(cache.start(call(late))).as("not kept past the bound").isNotSameAs(cache.start(call(late)));
    }
}
