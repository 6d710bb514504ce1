package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.internal.wire.JsonValueIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputLinesTest {

    private static ChatCompletion completion(String content) throws IOException {
        return JsonCodec.readCompletion(("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,"
                + "\"total_tokens\":3}}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void linesMadeOneAfterAnotherOnOneThreadAreEachOneWholeObject() throws IOException {
        for (int i = 0; i < 3; i++) {
            byte[] line = OutputLines.success("batch_req_" + i, "q" + i, completion("answer " + i));

            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) JsonValueIO.parse(line);
            assertThat(line[0]).isEqualTo((byte) '{');
            assertThat(json).containsEntry("id", "batch_req_" + i).containsEntry("custom_id", "q" + i)
                    .containsEntry("error", null);
            assertThat(json.get("response").toString()).contains("answer " + i);
        }
    }

    @Test
    void aLineThatFailsHalfWayLeavesNothingOfItselfInTheThreadsNextLine() throws IOException {
        ChatCompletion ok = completion("fine");
        ChatCompletion bad = new ChatCompletion("c2", "chat.completion", 1, "m", ok.choices(), ok.usage(), null,
                Map.of("scores", List.of(1.0, Double.NaN)));

        assertThatThrownBy(() -> OutputLines.success("batch_req_1", "q1", bad))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] next = OutputLines.success("batch_req_2", "q2", ok);

        assertThat(new String(next, StandardCharsets.UTF_8)).startsWith("{\"id\":\"batch_req_2\",\"custom_id\":\"q2\"");
        assertThat(JsonValueIO.parse(next)).isInstanceOf(Map.class);
    }
}
