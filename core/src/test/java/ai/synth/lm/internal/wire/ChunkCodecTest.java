package ai.synth.lm.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ChatCompletionChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {

    private static ChatCompletionChunk read(String json, ChunkCodec.Repeats repeats) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ChunkCodec.read(bytes, bytes.length, repeats);
    }

    private static String chunk(String id, String model, String content) {
        return "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model
                + "\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"" + content + "\"},\"logprobs\":null,\"finish_reason\":null}]}";
    }

    @Test
    void aStreamsRepeatedFieldsShareThePreviousChunksStringsWhenEqual() throws IOException {
        ChunkCodec.Repeats repeats = new ChunkCodec.Repeats();
        ChatCompletionChunk first = read(chunk("chatcmpl-1", "gpt-4o-mini", "Hel"), repeats);
        ChatCompletionChunk second = read(chunk("chatcmpl-1", "gpt-4o-mini", "lo"), repeats);

        assertThat(second.id()).isEqualTo("chatcmpl-1").isSameAs(first.id());
        assertThat(second.model()).isSameAs(first.model());
        assertThat(second.object()).isSameAs(first.object());
        assertThat(second.systemFingerprint()).isSameAs(first.systemFingerprint());
        assertThat(second.choices().get(0).delta().content()).isEqualTo("lo");
    }

    @Test
    void aFieldThatChangesMidStreamIsReadAsSent() throws IOException {
        ChunkCodec.Repeats repeats = new ChunkCodec.Repeats();
        read(chunk("chatcmpl-1", "gpt-4o-mini", "a"), repeats);
        ChatCompletionChunk changed = read(chunk("chatcmpl-2", "gpt-4o-mjni", "b"), repeats);
        ChatCompletionChunk sameLength = read(chunk("chatcmpl-3", "gpt-4o-mjni", "c"), repeats);

        assertThat(changed.id()).isEqualTo("chatcmpl-2");
        assertThat(changed.model()).isEqualTo("gpt-4o-mjni");
        assertThat(sameLength.id()).isEqualTo("chatcmpl-3");
    }

    @Test
    void unknownFieldsAreKeptInOrderWithTheirNullsAndCannotBeChanged() throws IOException {
        ChatCompletionChunk c = read(chunk("chatcmpl-1", "m", "x"), null);

        assertThat(c.additionalProperties()).containsExactly(Map.entry("service_tier", "default"));
        Map<String, Object> choiceExtra = c.choices().get(0).additionalProperties();
        assertThat(choiceExtra).containsKey("logprobs");
        assertThat(choiceExtra.get("logprobs")).isNull();
        assertThatThrownBy(() -> choiceExtra.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.additionalProperties().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.additionalProperties().entrySet().iterator().next().setValue("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void severalChoicesAreAllKeptInOrder() throws IOException {
        ChatCompletionChunk c = read("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}},"
                + "{\"index\":1,\"delta\":{\"content\":\"b\"}},{\"index\":2,\"delta\":{\"content\":\"c\"}}]}", null);

        assertThat(c.choices()).extracting(ChatCompletionChunk.Choice::index).containsExactly(0, 1, 2);
        assertThat(c.choices()).extracting(ch -> ch.delta().content()).containsExactly("a", "b", "c");
    }

    private static final java.util.List<String> VARIED = java.util.List.of(
            chunk("chatcmpl-1", "gpt-4o-mini", "h\u00e9llo \\\"w\u00f6rld\\\" \ud83d\ude00"),
            "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":2,\"model\":\"m\",\"choices\":[{"
                    + "\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                    + "\"finish_reason\":null}]}",
            "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,"
                    + "\"total_tokens\":8,\"completion_tokens_details\":{\"reasoning_tokens\":0}},"
                    + "\"nested\":{\"a\":[1,2.5,true,null,{\"b\":\"c\"}],\"d\":{}}}",
            "  {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n");

    @Test
    void oneParserForAWholeStreamReadsEachChunkAsAParserOfItsOwnWould() throws IOException {
        ChunkCodec.Repeats repeats = new ChunkCodec.Repeats();
        for (int round = 0; round < 3; round++) {
            for (String json : VARIED) {
                assertThat(read(json, repeats)).isEqualTo(read(json, null));
            }
        }
    }

    @Test
    void aBadChunkFailsAloneAndTheNextChunkOfTheStreamReadsAsUsual() throws IOException {
        ChunkCodec.Repeats repeats = new ChunkCodec.Repeats();
        String good = chunk("chatcmpl-1", "gpt-4o-mini", "ok");
        for (String bad : java.util.List.of("{\"id\":\"x\",", "{\"id\":\"x\"} {\"id\":\"y\"}", "{\"id\":\"x\"}]",
                "[1,2]", "\"text\"", "", "{\"id\":tru}", "{\"choices\":[{\"delta\":{\"content\":\"a\"}")) {
            read(good, repeats);
            assertThatThrownBy(() -> read(bad, repeats)).as(bad).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> read(bad, null)).as(bad).isInstanceOf(IOException.class);
            assertThat(read(good, repeats)).isEqualTo(read(good, null));
        }
    }
}
