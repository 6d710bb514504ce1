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
}
