package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.RawResponse;
import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.internal.wire.JsonValueIO;
import java.io.IOException;
import java.nio.ByteBuffer;
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
            byte[] line = OutputLines.success("batch_req_" + i, "q" + i,
                    RawResponse.withoutHttp(completion("answer " + i)), true);

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

        assertThatThrownBy(() -> OutputLines.success("batch_req_1", "q1", RawResponse.withoutHttp(bad), true))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] next = OutputLines.success("batch_req_2", "q2", RawResponse.withoutHttp(ok), true);

        assertThat(new String(next, StandardCharsets.UTF_8)).startsWith("{\"id\":\"batch_req_2\",\"custom_id\":\"q2\"");
        assertThat(JsonValueIO.parse(next)).isInstanceOf(Map.class);
    }

    /** A body as a hosted API sends it: indented over lines, with nulls and a field this library does not model. */
    private static final String PRETTY = "{\r\n  \"id\": \"c9\",\n  \"object\": \"chat.completion\",\n  \"created\": 1,\n"
            + "  \"model\": \"m\",\n  \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\","
            + " \"content\": \"a\\nb \\\"q\\\" \u00e9\", \"refusal\": null}, \"logprobs\": null,"
            + " \"finish_reason\": \"stop\"}],\n  \"usage\": null,\n  \"service_tier\": \"default\"\n}\n";

    private static RawResponse<ChatCompletion> raw(String body, String requestId) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawResponse.of(JsonCodec.readCompletion(bytes), 200,
                requestId == null ? Map.of() : Map.of("X-Request-Id", List.of(requestId)), bytes);
    }

    @Test
    void aSuccessCarriesTheResponseBodyAsSentOnOneLineWithNullsAndUnmodelledFields() throws IOException {
        byte[] line = OutputLines.success("batch_req_1", "q1", raw(PRETTY, "req_abc"), true);

        String text = new String(line, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\n").doesNotContain("\r").doesNotContain(": ").doesNotContain(", \"")
                .contains("\"body\":{\"id\":\"c9\",\"object\":\"chat.completion\",\"created\":1,")
                .contains("\"content\":\"a\\nb \\\"q\\\" \u00e9\",\"refusal\":null}");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonValueIO.parse(line);
        @SuppressWarnings("unchecked")
        Map<String, Object> response = (Map<String, Object>) json.get("response");
        assertThat(response).containsEntry("status_code", 200).containsEntry("request_id", "req_abc");
        assertThat(response.get("body")).isEqualTo(JsonValueIO.parse(PRETTY.getBytes(StandardCharsets.UTF_8)));
        assertThat(response.get("body").toString()).contains("refusal=null", "logprobs=null", "service_tier=default",
                "a\nb \"q\" \u00e9");
        assertThat(json).containsEntry("error", null).containsEntry("custom_id", "q1");
    }

    @Test
    void idsAreEscapedAndAMissingRequestIdIsNull() throws IOException {
        String customId = "q \"1\"\\ \u00fc\t\u2028";

        byte[] line = OutputLines.success("batch_req_2", customId, raw(PRETTY, null), true);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonValueIO.parse(line);
        assertThat(json).containsEntry("custom_id", customId);
        assertThat(json.get("response").toString()).contains("request_id=null");
    }

    @Test
    void aBodyAfterAByteOrderMarkAndBlanksIsTakenFromItsBrace() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, ' ', '\n', '\t'};
        byte[] json = PRETTY.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(bom.length + json.length).put(bom).put(json).flip();

        assertThat(OutputLines.objectStart(body)).isEqualTo(bom.length);
        assertThat(OutputLines.objectStart(ByteBuffer.wrap(new byte[0]))).isEqualTo(-1);
        assertThat(OutputLines.objectStart(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFE, '{', 0})))
                .isEqualTo(-1);
    }

    @Test
    void compactingKeepsEveryByteOfAStringEvenOneEndingInABackslash() {
        String json = "{ \"a\" : \"back\\\\\" ,\n\t\"b\" : [ 1 , 2 ] , \"c\" : \" x \\\" y \" }";
        LineBuffer out = LineBuffer.get();

        out.writeCompact(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));

        assertThat(new String(out.take(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":\"back\\\\\",\"b\":[1,2],\"c\":\" x \\\" y \"}");
    }

    @Test
    void aBodyNotReadByThisLibraryIsWrittenBackFromTheParsedCompletion() throws IOException {
        RawResponse<ChatCompletion> made = RawResponse.of(completion("parsed"), 200, Map.of(),
                "{\"choices\": \"not what was parsed\"}\n{}".getBytes(StandardCharsets.UTF_8));

        byte[] line = OutputLines.success("batch_req_3", "q3", made, false);

        assertThat(new String(line, StandardCharsets.UTF_8)).contains("parsed").doesNotContain("not what was parsed");
        assertThat(JsonValueIO.parse(line)).isInstanceOf(Map.class);
    }

    @Test
    void aCustomIdWithASurrogateWithoutItsPairIsEscaped() throws IOException {
        String customId = "lone \ud800 and pair \ud83d\ude00";

        byte[] line = OutputLines.success("batch_req_4", customId, raw(PRETTY, null), true);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonValueIO.parse(line);
        assertThat(json).containsEntry("custom_id", customId);
        assertThat(new String(line, StandardCharsets.UTF_8)).contains("lone \\ud800 and pair \ud83d\ude00");
    }

    @Test
    void aBodyInUtf16WithoutAByteOrderMarkIsNotTakenAsItCame() {
        byte[] utf16le = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_16LE);
        byte[] utf32le = {'{', 0, 0, 0, '}', 0, 0, 0};

        assertThat(OutputLines.objectStart(ByteBuffer.wrap(utf16le))).isEqualTo(-1);
        assertThat(OutputLines.objectStart(ByteBuffer.wrap(utf32le))).isEqualTo(-1);
        assertThat(OutputLines.objectStart(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)))).isZero();
    }
}
