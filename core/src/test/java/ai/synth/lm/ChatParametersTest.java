package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.internal.wire.ChunkCodec;
import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parameters beyond sampling (logprobs, metadata, tiers, reasoning effort) and the typed reads of the reply. */
class ChatParametersTest {

    private static ChatCompletionRequest.Builder hello() {
        return ChatCompletionRequest.builder().model("m").messages(List.of(ChatMessage.user("Hello!")));
    }

    @Test
    void sendsEachNewParameterUnderItsWireName() {
        try (LocalBackend backend = LocalBackend.builder().build().start();
                SynthProvider provider = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl())
                        .apiKey("k").environment(Map.of()).build())) {
            provider.createChatCompletion(hello().logprobs(true).topLogprobs(2).metadata(Map.of("run", "42"))
                    .serviceTier("flex").reasoningEffort("low").n(2).seed(7L).parallelToolCalls(false)
                    .maxCompletionTokens(50).stop(List.of("END")).user("u-1").build());

            assertThat(backend.lastRequest().bodyJson()).containsEntry("logprobs", true)
                    .containsEntry("top_logprobs", 2).containsEntry("metadata", Map.of("run", "42"))
                    .containsEntry("service_tier", "flex").containsEntry("reasoning_effort", "low")
                    .containsEntry("n", 2).containsEntry("seed", 7).containsEntry("parallel_tool_calls", false)
                    .containsEntry("max_completion_tokens", 50).containsEntry("stop", List.of("END"))
                    .containsEntry("user", "u-1");
        }
    }

    @Test
    void unsetParametersAreNotSent() {
        String body = new String(JsonCodec.writeRequest(hello().build(), false), StandardCharsets.UTF_8);

        assertThat(body).isEqualTo("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}");
    }

    @Test
    void topLogprobsNeedsLogprobsAndARangeOfZeroToTwenty() {
        assertThatThrownBy(() -> hello().topLogprobs(3).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topLogprobs needs logprobs: add .logprobs(true) to the request");
        assertThatThrownBy(() -> hello().logprobs(true).topLogprobs(21).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("topLogprobs must be between 0 and 20, was 21");
    }

    @Test
    void metadataIsCheckedAgainstTheApisLimits() {
        Map<String, String> seventeen = new HashMap<>();
        for (int i = 0; i < 17; i++) {
            seventeen.put("k" + i, "v");
        }
        assertThatThrownBy(() -> hello().metadata(seventeen).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metadata takes at most 16 pairs, got 17");
        assertThatThrownBy(() -> hello().metadata(Map.of("k".repeat(65), "v")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("metadata keys must be 1 to 64");
        assertThatThrownBy(() -> hello().metadata(Map.of("k", "v".repeat(513))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metadata value of \"k\" must be a string of at most 512 characters, was 513 characters");
    }

    @Test
    void blankTiersAndEffortsAreRejected() {
        assertThatThrownBy(() -> hello().serviceTier(" ").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serviceTier must not be blank: use \"auto\"");
        assertThatThrownBy(() -> hello().reasoningEffort("").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("reasoningEffort must not be blank");
    }

    @Test
    void extraBodyMayCarryANewerParameterOnlyWhenItsSetterWasNotUsed() {
        assertThat(hello().extraBody(Map.of("logprobs", true)).build().extraBody()).containsEntry("logprobs", true);
        assertThatThrownBy(() -> hello().logprobs(true).extraBody(Map.of("logprobs", false)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extraBody key \"logprobs\" repeats a typed parameter: set it with the builder's own "
                        + "method instead");
    }

    @Test
    void toBuilderKeepsTheNewParameters() {
        ChatCompletionRequest request = hello().logprobs(true).topLogprobs(1).metadata(Map.of("a", "b"))
                .serviceTier("auto").reasoningEffort("high").build();

        assertThat(request.withModel("other").toBuilder().model("m").build()).isEqualTo(request);
    }

    @Test
    void readsLogprobsAndUsageDetailsAsRecords() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(json("{'id':'x','object':'chat.completion','created':1,"
                + "'model':'m','service_tier':'default','choices':[{'index':0,'message':{'role':'assistant',"
                + "'content':'Hi'},'finish_reason':'stop','logprobs':{'content':[{'token':'Hi','logprob':-0.25,"
                + "'bytes':[72,105],'top_logprobs':[{'token':'Hi','logprob':-0.25,'bytes':[72,105]},"
                + "{'token':'Hey','logprob':-1.5,'bytes':null}]}],'refusal':null}}],'usage':{'prompt_tokens':9,"
                + "'completion_tokens':30,'total_tokens':39,'prompt_tokens_details':{'cached_tokens':8,"
                + "'audio_tokens':0},'completion_tokens_details':{'reasoning_tokens':20,'audio_tokens':0,"
                + "'accepted_prediction_tokens':1,'rejected_prediction_tokens':2}}}"));

        Logprobs logprobs = c.choices().get(0).logprobs();
        assertThat(logprobs.content()).containsExactly(new Logprobs.Token("Hi", -0.25, List.of(72, 105), List.of(
                new Logprobs.TopLogprob("Hi", -0.25, List.of(72, 105)), new Logprobs.TopLogprob("Hey", -1.5, null))));
        assertThat(logprobs.refusal()).isEmpty();
        assertThat(c.usage().promptTokensDetails()).isEqualTo(new Usage.PromptTokensDetails(8, 0));
        assertThat(c.usage().completionTokensDetails()).isEqualTo(new Usage.CompletionTokensDetails(20, 0, 1, 2));
    }

    @Test
    void absentLogprobsAndDetailsReadAsNullAndZeros() throws IOException {
        ChatCompletion c = JsonCodec.readCompletion(json("{'choices':[{'index':0,'message':{'content':'Hi'},"
                + "'logprobs':null}],'usage':{'prompt_tokens':1,'completion_tokens':1,'total_tokens':2}}"));

        assertThat(c.choices().get(0).logprobs()).isNull();
        assertThat(c.usage().promptTokensDetails()).isEqualTo(new Usage.PromptTokensDetails(0, 0));
        assertThat(c.usage().completionTokensDetails().reasoningTokens()).isZero();
    }

    @Test
    void theAccumulatorJoinsTheLogprobsOfEveryChunk() throws IOException {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        for (String token : List.of("Hel", "lo")) {
            acc.accumulate(chunk("{'id':'x','choices':[{'index':0,'delta':{'content':'" + token + "'},"
                    + "'logprobs':{'content':[{'token':'" + token + "','logprob':-1,'bytes':null,'top_logprobs':[]}],"
                    + "'refusal':null},'finish_reason':null}]}"));
        }
        acc.accumulate(chunk("{'id':'x','choices':[{'index':0,'delta':{},'logprobs':null,'finish_reason':'stop'}]}"));

        ChatCompletion whole = acc.result();
        assertThat(whole.content()).isEqualTo("Hello");
        assertThat(whole.choices().get(0).logprobs().content()).extracting(Logprobs.Token::token)
                .containsExactly("Hel", "lo");
    }

    private static ChatCompletionChunk chunk(String json) throws IOException {
        byte[] bytes = json(json);
        return ChunkCodec.read(bytes, bytes.length);
    }

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }
}
