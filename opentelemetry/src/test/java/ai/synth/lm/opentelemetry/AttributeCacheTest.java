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
    void keepsCallsToTheSameModelOnAnotherServerApart() {
        AttributeCache.Start here = cache.start(call("m"));
        LMCall elsewhere = new LMCall("synth", null, "10.0.0.2", 9090, ChatCompletionRequest.of("m",
                List.of(ChatMessage.user("Hi"))), false);

        AttributeCache.Start there = cache.start(elsewhere);
        assertThat(there).isNotSameAs(here).isSameAs(cache.start(elsewhere));
        assertThat(there.attributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("10.0.0.2");
        assertThat(cache.end(elsewhere, "m-1", null).duration().get(AttributeKey.longKey("server.port")))
                .isEqualTo(9090L);
        assertThat(cache.end(call("m"), "m-1", null).duration().get(AttributeKey.longKey("server.port")))
                .isEqualTo(8080L);
    }

    @Test
    void keepsTheAttributesOfEachResponseModelAndErrorApart() {
        AttributeKey<String> responseModel = AttributeKey.stringKey("gen_ai.response.model");
        AttributeKey<String> errorType = AttributeKey.stringKey("error.type");
        AttributeCache.Metric first = cache.end(call("m"), "m-1", null);
        AttributeCache.Metric second = cache.end(call("m"), "m-2", null);

        assertThat(cache.end(call("m"), new String("m-1"), null)).isSameAs(first);
        assertThat(second.input().get(responseModel)).isEqualTo("m-2");
        assertThat(second.input().get(AttributeKey.stringKey("gen_ai.token.type"))).isEqualTo("input");
        AttributeCache.Metric failed = cache.end(call("m"), null, "500");
        assertThat(failed.duration().get(responseModel)).isNull();
        assertThat(failed.duration().get(errorType)).isEqualTo("500");
        AttributeCache.Metric failedLate = cache.end(call("m"), "m-1", "java.io.IOException");
        assertThat(failedLate.duration().get(responseModel)).isEqualTo("m-1");
        assertThat(failedLate.duration().get(errorType)).isEqualTo("java.io.IOException");
        assertThat(cache.end(call("m"), null, null).duration().asMap()).isEqualTo(cache.start(call("m"))
                .attributes().asMap());
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
