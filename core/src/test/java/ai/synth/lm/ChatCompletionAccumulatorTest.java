package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.wire.ChunkCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chunks in the shapes real backends send, merged into what a non-streamed call returns. */
class ChatCompletionAccumulatorTest {

    @Test
    void mergesTextChunksWithTheHeaderOfTheFirst() {
        ChatCompletion c = accumulate(
                "{'id':'chatcmpl-1','object':'chat.completion.chunk','created':1700000000,'model':'m','system_fingerprint':'fp',"
                        + "'choices':[{'index':0,'delta':{'role':'assistant','content':''},'finish_reason':null}]}",
                "{'id':'chatcmpl-1','choices':[{'index':0,'delta':{'content':'Hel'}}]}",
                "{'id':'chatcmpl-1','choices':[{'index':0,'delta':{'content':'lo'}}]}",
                "{'id':'chatcmpl-1','choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}");

        assertThat(c.id()).isEqualTo("chatcmpl-1");
        assertThat(c.object()).isEqualTo("chat.completion");
        assertThat(c.created()).isEqualTo(1700000000L);
        assertThat(c.model()).isEqualTo("m");
        assertThat(c.systemFingerprint()).isEqualTo("fp");
        assertThat(message(c).content()).isEqualTo("Hello");
        assertThat(c.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(c.usage()).isNull();
    }

    @Test
    void wholeToolCallInOneChunk() {
        ChatCompletion c = accumulate("{'choices':[{'index':0,'delta':{'role':'assistant','content':null,'tool_calls':"
                + "[{'index':0,'id':'call_1','type':'function','function':{'name':'get_weather',"
                + "'arguments':'{\\\"city\\\":\\\"Paris\\\"}'}}]},'finish_reason':'tool_calls'}]}");

        assertThat(message(c).toolCalls()).containsExactly(call("call_1", "get_weather", "{\"city\":\"Paris\"}"));
        assertThat(message(c).content()).isNull();
        assertThat(c.choices().get(0).finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void idTypeAndNameRepeatedOnEveryChunkAreKeptOnce() {
        ChatCompletion c = accumulate(
                toolChunk("{'index':0,'id':'call_1','type':'function','function':{'name':'get_weather','arguments':''}}"),
                toolChunk("{'index':0,'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{\\\"ci'}}"),
                toolChunk("{'index':0,'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'ty\\\":1}'}}"));

        assertThat(message(c).toolCalls()).containsExactly(call("call_1", "get_weather", "{\"city\":1}"));
    }

    @Test
    void emptyIdTypeAndNameOnContinuationChunksAreIgnored() {
        ChatCompletion c = accumulate(
                toolChunk("{'index':0,'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{'}}"),
                toolChunk("{'index':0,'id':'','type':'','function':{'name':'','arguments':'}'}}"),
                toolChunk("{'index':0,'id':null,'type':null,'function':{'name':null,'arguments':''}}"));

        assertThat(message(c).toolCalls()).containsExactly(call("call_1", "get_weather", "{}"));
    }

    @Test
    void piecesWithoutIndexExtendTheCurrentCall() {
        ChatCompletion c = accumulate(
                toolChunk("{'id':'call_a','type':'function','function':{'name':'get_weather','arguments':'{\\\"city\\\":'}}"),
                toolChunk("{'function':{'arguments':'\\\"Oslo\\\"}'}}"),
                toolChunk("{'id':'call_b','type':'function','function':{'name':'get_time','arguments':'{}'}}"),
                toolChunk("{'id':'call_b','function':{'arguments':''}}"));

        assertThat(message(c).toolCalls()).containsExactly(call("call_a", "get_weather", "{\"city\":\"Oslo\"}"),
                call("call_b", "get_time", "{}"));
    }

    @Test
    void aPieceWithoutIndexButWithAnEarlierCallsIdJoinsThatCall() {
        ChatCompletion c = accumulate(
                toolChunk("{'id':'call_a','function':{'name':'a','arguments':'{\\\"x\\\":'}}"),
                toolChunk("{'id':'call_b','function':{'name':'b','arguments':'{}'}}"),
                toolChunk("{'id':'call_a','function':{'arguments':'1}'}}"));

        assertThat(message(c).toolCalls()).containsExactly(call("call_a", "a", "{\"x\":1}"), call("call_b", "b", "{}"));
    }

    @Test
    void aCallWithoutIdGetsOneFromItsIndex() {
        ChatCompletion c = accumulate(toolChunk("{'index':0,'function':{'name':'now','arguments':'{}'}}"),
                toolChunk("{'index':1,'function':{'name':'later','arguments':'{}'}}"));

        assertThat(message(c).toolCalls()).extracting(ToolCall::id, ToolCall::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("call_0", "function"),
                        org.assertj.core.groups.Tuple.tuple("call_1", "function"));
    }

    @Test
    void argumentsSentAsAJsonObjectBecomeJsonText() {
        ChatCompletion c = accumulate(toolChunk("{'index':0,'id':'call_1','type':'function','function':"
                + "{'name':'get_weather','arguments':{'city':'Paris','days':[1,2],'metric':true}}}"));

        assertThat(message(c).toolCalls().get(0).function().arguments())
                .isEqualTo("{\"city\":\"Paris\",\"days\":[1,2],\"metric\":true}");
    }

    @Test
    void aToolWithoutParametersGetsEmptyObjectArguments() {
        ChatCompletion c = accumulate(toolChunk("{'index':0,'id':'call_1','type':'function','function':{'name':'now'}}"),
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}");

        assertThat(message(c).toolCalls()).containsExactly(call("call_1", "now", "{}"));
    }

    @Test
    void parallelCallsInterleavedAreMergedByIndexAndKeptInIndexOrder() {
        ChatCompletion c = accumulate(
                toolChunk("{'index':1,'id':'call_b','type':'function','function':{'name':'get_time','arguments':''}}"),
                toolChunk("{'index':0,'id':'call_a','type':'function','function':{'name':'get_weather','arguments':''}}"),
                toolChunk("{'index':0,'function':{'arguments':'{\\\"city\\\":'}}"),
                toolChunk("{'index':1,'function':{'arguments':'{\\\"tz\\\":\\\"UTC\\\"}'}}"),
                toolChunk("{'index':0,'function':{'arguments':'\\\"Rome\\\"}'}}"),
                "{'choices':[{'index':0,'delta':{},'finish_reason':'tool_calls'}]}");

        assertThat(message(c).toolCalls()).containsExactly(call("call_a", "get_weather", "{\"city\":\"Rome\"}"),
                call("call_b", "get_time", "{\"tz\":\"UTC\"}"));
    }

    @Test
    void stopAfterANamedToolChoiceKeepsTheCallAndTheReason() {
        ChatCompletion c = accumulate("{'choices':[{'index':0,'delta':{'role':'assistant','content':''}}]}",
                toolChunk("{'index':0,'id':'call_1','type':'function','function':{'name':'get_weather','arguments':'{}'}}"),
                "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}");

        assertThat(message(c).toolCalls()).containsExactly(call("call_1", "get_weather", "{}"));
        assertThat(message(c).content()).isNull(); // as a non-streamed call returns it: no text, only a call
        assertThat(c.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void twoFinishChunksKeepTheFirstReason() {
        ChatCompletion c = accumulate("{'choices':[{'index':0,'delta':{'content':'Hi'}}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'length'}]}",
                "{'choices':[{'index':0,'delta':{},'finish_reason':'stop'}]}");

        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).finishReason()).isEqualTo("length");
        assertThat(message(c).content()).isEqualTo("Hi");
    }

    @Test
    void aFinishChunkThatAlsoCarriesADeltaKeepsTheDelta() {
        ChatCompletion c = accumulate("{'choices':[{'index':0,'delta':{'role':'assistant','content':'The end'}}]}",
                "{'choices':[{'index':0,'delta':{'content':' is near.'},'finish_reason':'stop'}]}");

        assertThat(message(c).content()).isEqualTo("The end is near.");
        assertThat(c.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @Test
    void takesUsageFromTheLastChunkWithEmptyOrNoChoices() {
        ChatCompletion c = accumulate("{'id':'x','choices':[{'index':0,'delta':{'content':'Hi'}}],'usage':null}",
                "{'id':'x','choices':[{'index':0,'delta':{},'finish_reason':'stop'}],'usage':null}",
                "{'id':'x','choices':[],'usage':{'prompt_tokens':5,'completion_tokens':1,'total_tokens':6,"
                        + "'prompt_tokens_details':{'cached_tokens':0}}}");

        assertThat(c.usage()).extracting(Usage::promptTokens, Usage::completionTokens, Usage::totalTokens)
                .containsExactly(5L, 1L, 6L);
        assertThat(c.usage().additionalProperties()).containsKey("prompt_tokens_details");
        assertThat(c.choices()).hasSize(1);
        assertThat(message(c).content()).isEqualTo("Hi");

        ChatCompletion noChoices = accumulate("{'choices':[{'index':0,'delta':{'content':'Hi'},'finish_reason':'stop'}]}",
                "{'usage':{'prompt_tokens':5,'completion_tokens':1,'total_tokens':6}}");
        assertThat(noChoices.usage().totalTokens()).isEqualTo(6);
    }

    @Test
    void keepsUnknownFieldsOnEveryLevel() {
        ChatCompletion c = accumulate(
                "{'id':'x','service_tier':'default','choices':[{'index':0,'logprobs':null,'delta':{'role':'assistant',"
                        + "'reasoning_content':'Let me ','tool_calls':[{'index':0,'id':'call_1','type':'function',"
                        + "'function':{'name':'f','arguments':'{}'},'cache':'hit'}]}}]}",
                "{'id':'x','x_groq':{'id':'req_1'},'choices':[{'index':0,'delta':{'reasoning_content':'think.',"
                        + "'annotations':null},'finish_reason':'tool_calls'}]}");

        assertThat(c.additionalProperties()).containsEntry("service_tier", "default")
                .containsEntry("x_groq", Map.of("id", "req_1"));
        assertThat(c.choices().get(0).additionalProperties()).containsEntry("logprobs", null);
        assertThat(message(c).additionalProperties()).containsEntry("reasoning_content", "Let me think.")
                .containsEntry("annotations", null);
        assertThat(message(c).toolCalls().get(0).additionalProperties()).containsEntry("cache", "hit");
    }

    @Test
    void mergesSeveralChoicesAndRefusals() {
        ChatCompletion c = accumulate("{'choices':[{'index':1,'delta':{'content':'B'}},{'index':0,'delta':{'refusal':'I can'}}]}",
                "{'choices':[{'index':0,'delta':{'refusal':'not.'},'finish_reason':'stop'},"
                        + "{'index':1,'delta':{'content':'b'},'finish_reason':'length'}]}");

        assertThat(c.choices()).extracting(Choice::index).containsExactly(0, 1);
        assertThat(c.choices().get(0).message().refusal()).isEqualTo("I cannot.");
        assertThat(c.choices().get(0).message().content()).isNull();
        assertThat(c.choices().get(1).message().content()).isEqualTo("Bb");
        assertThat(c.choices().get(1).finishReason()).isEqualTo("length");
    }

    @Test
    void resultCanBeTakenMidStream() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        acc.accumulate(chunk("{'choices':[{'index':0,'delta':{'content':'Hel'}}]}"));

        assertThat(message(acc.result()).content()).isEqualTo("Hel");
        assertThat(acc.result().choices().get(0).finishReason()).isNull();
        acc.accumulate(chunk("{'choices':[{'index':0,'delta':{'content':'lo'},'finish_reason':'stop'}]}"));
        assertThat(message(acc.result()).content()).isEqualTo("Hello");
    }

    // ---- helpers

    /** Reads each chunk as the stream reader does ({@code '} for {@code "} keeps the JSON readable). */
    static ChatCompletion accumulate(String... chunks) {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        for (String json : chunks) {
            acc.accumulate(chunk(json));
        }
        return acc.result();
    }

    static ChatCompletionChunk chunk(String json) {
        byte[] bytes = json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        try {
            return ChunkCodec.read(bytes, bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String toolChunk(String toolCallDelta) {
        return "{'choices':[{'index':0,'delta':{'tool_calls':[" + toolCallDelta + "]}}]}";
    }

    private static AssistantMessage message(ChatCompletion c) {
        return c.choices().get(0).message();
    }

    private static ToolCall call(String id, String name, String arguments) {
        return new ToolCall(id, "function", new ToolCall.FunctionCall(name, arguments), Map.of());
    }
}
