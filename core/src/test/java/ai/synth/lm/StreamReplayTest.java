package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Raw event-stream bytes in the shapes real backends send, replayed by the local backend and read through the whole
 * stack: HTTP, SSE parsing, chunk decoding, both faces and the accumulator.
 */
class StreamReplayTest {

    private static final String HEAD =
            "'id':'chatcmpl-r','object':'chat.completion.chunk','created':1700000000,'model':'m'";

    private LocalBackend backend;
    private SynthProvider provider;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().build().start();
        provider = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("k").environment(Map.of())
                .scheduler(new RecordingScheduler()).build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
    }

    private ChatCompletion replay(StreamFace face, String sse) {
        backend.enqueue(Fault.replay(sse.replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
        return face.completion(provider, StreamingTest.HELLO);
    }

    private static String chunk(String choices) {
        return "{" + HEAD + ",'choices':[" + choices + "]}";
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void crlfKeepAliveCommentsBomAndLineSeparatorsInJson(StreamFace face) {
        String sse = "\uFEFF: OPENROUTER PROCESSING\r\n\r\n"
                + "data: " + chunk("{'index':0,'delta':{'role':'assistant','content':''}}") + "\r\n\r\n"
                + ": OPENROUTER PROCESSING\r\n\r\n"
                + "data: " + chunk("{'index':0,'delta':{'content':'Hello'}}") + "\r\n\r\n"
                + ":\r\n"
                + "data: " + chunk("{'index':0,'delta':{'content':' w\u00f6rld \u2028 \u2029 \uD83D\uDE00'}}")
                + "\r\n\r\n"
                + "data: " + chunk("{'index':0,'delta':{},'finish_reason':'stop'}") + "\r\n\r\n"
                + "data: {" + HEAD + ",'choices':[],"
                + "'usage':{'prompt_tokens':4,'completion_tokens':3,'total_tokens':7}}\r\n\r\n"
                + "data: [DONE]\r\n\r\n";

        ChatCompletion c = replay(face, sse);

        assertThat(c.content()).isEqualTo("Hello w\u00f6rld \u2028 \u2029 \uD83D\uDE00");
        assertThat(c.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(c.usage().totalTokens()).isEqualTo(7);
        assertThat(c.id()).isEqualTo("chatcmpl-r");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void toolCallQuirksWithCrLineEndsEventAndIdFields(StreamFace face) {
        String tool = "{'index':0,'delta':{'tool_calls':[%s]}}";
        String sse = "event: message\rid: 1\r"
                + "data: " + chunk("{'index':0,'delta':{'role':'assistant','content':null}}") + "\r\r"
                // id, type and name on every piece of call 0; arguments in pieces
                + "id: 2\rdata: " + chunk(tool.formatted("{'index':0,'id':'call_w','type':'function','function':"
                        + "{'name':'get_weather','arguments':'{\\\"city\\\":'}}")) + "\r\r"
                // call 1 has no index and sends its arguments as an object
                + "data: " + chunk(tool.formatted("{'id':'call_t','type':'function','function':{'name':'get_time',"
                        + "'arguments':{'tz':'UTC'}}}")) + "\r\r"
                // back to call 0, with empty id and type, and the name repeated
                + "data: " + chunk(tool.formatted("{'index':0,'id':'','type':'','function':{'name':'get_weather',"
                        + "'arguments':'\\\"Lima\\\"}'}}")) + "\r\r"
                // a call without arguments, multi-line data
                + "data: " + chunk(tool.formatted("{'index':2,'id':'call_n','type':'function',\r"
                        + "data: 'function':{'name':'now'}}")) + "\r\r"
                // stop after a named tool choice, then a second finish chunk
                + "data: " + chunk("{'index':0,'delta':{},'finish_reason':'stop'}") + "\r\r"
                + "data: " + chunk("{'index':0,'delta':{},'finish_reason':'tool_calls'}") + "\r\r"
                + "data: [DONE]\r\r";

        ChatCompletion c = replay(face, sse);

        assertThat(c.choices().get(0).message().toolCalls()).extracting(t -> t.id() + " " + t.function().name() + " "
                + t.function().arguments()).containsExactly("call_w get_weather {\"city\":\"Lima\"}",
                "call_t get_time {\"tz\":\"UTC\"}", "call_n now {}");
        assertThat(c.choices().get(0).message().content()).isNull();
        assertThat(c.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aLastEventWithoutTrailingBlankLineIsRead(StreamFace face) {
        String sse = "data: " + chunk("{'index':0,'delta':{'content':'Hi'}}") + "\n\n"
                + "data: " + chunk("{'index':0,'delta':{'content':'!'},'finish_reason':'stop'}");

        ChatCompletion c = replay(face, sse);

        assertThat(c.content()).isEqualTo("Hi!");
        assertThat(c.choices().get(0).finishReason()).isEqualTo("stop");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void doneWithoutSpaceEndsTheStreamAndWhatFollowsIsNotRead(StreamFace face) {
        String sse = "data:" + chunk("{'index':0,'delta':{'content':'ok'},'finish_reason':'stop'}") + "\n\n"
                + "data:[DONE]\n\ndata: {not json at all\n\n";

        assertThat(replay(face, sse).content()).isEqualTo("ok");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void anEventOfSeveralMebibytes(StreamFace face) {
        String big = "x".repeat(3 * 1024 * 1024);
        String sse = "data: " + chunk("{'index':0,'delta':{'content':'" + big + "'},'finish_reason':'stop'}") + "\n\n"
                + "data: [DONE]\n\n";

        assertThat(replay(face, sse).content()).isEqualTo(big);
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void anErrorObjectInADataEventRaisesApiException(StreamFace face) {
        String sse = "data: " + chunk("{'index':0,'delta':{'content':'Hel'}}") + "\n\n"
                + "data: {'error':{'message':'Upstream rate limit exceeded','code':429}}\n\n";

        assertThatThrownBy(() -> replay(face, sse)).isInstanceOf(ApiException.class)
                .hasMessageContaining("Upstream rate limit exceeded").hasMessageContaining("after 1 chunks");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aTruncatedLastEventIsAnErrorNotAShortAnswer(StreamFace face) {
        String sse = "data: " + chunk("{'index':0,'delta':{'content':'Hel'}}") + "\n\n"
                + "data: {" + HEAD + ",'choices':[{'index':0,'delta':{'content':'lo'";

        assertThatThrownBy(() -> replay(face, sse)).isInstanceOf(InvalidResponseException.class)
                .hasMessageContaining("chunk 2 is not valid JSON");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aStreamThatEndsBeforeAnyFinishIsAnError(StreamFace face) {
        String sse = "data: " + chunk("{'index':0,'delta':{'content':'Hel'}}") + "\n\n";

        assertThatThrownBy(() -> replay(face, sse)).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("ended after 1 chunks without finishing");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void aStreamThatEndsBeforeEveryChoiceFinishedIsAnError(StreamFace face) {
        String sse = "data: " + chunk("{'index':0,'delta':{'content':'A'}},{'index':1,'delta':{'content':'B'}}")
                + "\n\n"
                + "data: " + chunk("{'index':0,'delta':{},'finish_reason':'stop'}") + "\n\n";

        assertThatThrownBy(() -> replay(face, sse)).isInstanceOf(ConnectionException.class)
                .hasMessageContaining("without finishing").hasMessageContaining("no finish_reason for choice 1");
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void keepsUnknownFieldsOfChunks(StreamFace face) {
        String sse = "data: {" + HEAD + ",'service_tier':'flex','choices':[{'index':0,'logprobs':null,"
                + "'delta':{'content':'a','reasoning_content':'why'},'finish_reason':'stop'}]}\n\ndata: [DONE]\n\n";

        ChatCompletion c = replay(face, sse);

        assertThat(c.additionalProperties()).containsEntry("service_tier", "flex");
        assertThat(c.choices().get(0).additionalProperties()).containsKey("logprobs");
        assertThat(c.choices().get(0).message().additionalProperties()).containsEntry("reasoning_content", "why");
        assertThat(c.content()).isEqualTo("a");
    }
}
