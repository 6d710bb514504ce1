package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.synth.lm.testserver.LocalBackend;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ContentPartsTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    private static final byte[] WAV = "RIFF....WAVE".getBytes(StandardCharsets.US_ASCII);

    private LocalBackend backend;
    private SynthProvider provider;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey("k").build().start();
        provider = new SynthProvider(SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey("k")
                .environment(Map.of()).build());
    }

    @AfterEach
    void stop() {
        provider.close();
        backend.close();
    }

    private static ChatCompletionRequest pictureQuestion() {
        return ChatCompletionRequest.of("m", List.of(ChatMessage.user(List.of(
                ContentPart.text("What is in this picture?"),
                ContentPart.image(PNG, "image/png"),
                ContentPart.imageUrl("https://example.com/cat.jpg").withDetail("low"),
                ContentPart.audio(WAV, "wav")))));
    }

    @ParameterizedTest
    @EnumSource(Face.class)
    void sendsUserPartsAsTypedObjectsAndTheImageBytesAsADataUrl(Face face) {
        ChatCompletion answer = face.call(provider, pictureQuestion());

        assertThat(answer.content()).contains("What is in this picture?");
        Map<String, Object> message = message(0);
        assertThat(message).containsEntry("role", "user").doesNotContainKey("name");
        assertThat(message.get("content")).isEqualTo(List.of(
                Map.of("type", "text", "text", "What is in this picture?"),
                Map.of("type", "image_url", "image_url", Map.of("url", "data:image/png;base64,iVBORw0KGgo=")),
                Map.of("type", "image_url", "image_url", Map.of("url", "https://example.com/cat.jpg", "detail", "low")),
                Map.of("type", "input_audio", "input_audio", Map.of("data", "UklGRi4uLi5XQVZF", "format", "wav"))));
    }

    @ParameterizedTest
    @EnumSource(StreamFace.class)
    void streamsAnAnswerToAMessageOfParts(StreamFace face) {
        ChatCompletion answer = face.completion(provider, pictureQuestion());

        assertThat(answer.content()).contains("What is in this picture?");
        assertThat((List<?>) message(0).get("content")).hasSize(4);
    }

    @Test
    void sendsAToolResultAsTextParts() {
        AssistantMessage turn = new AssistantMessage(null, null,
                List.of(ToolCall.function("call_1", "get_weather", "{}")), null, Map.of());
        ChatCompletion answer = provider.createChatCompletion(ChatCompletionRequest.of("m", List.of(
                ChatMessage.user("Weather?"), ChatMessage.assistant(turn),
                ChatMessage.tool("call_1", List.of(ContentPart.text("21 C"), ContentPart.text("sunny"))))));

        assertThat(answer.content()).contains("get_weather").contains("21 C").contains("sunny");
        assertThat(message(2)).containsEntry("tool_call_id", "call_1").containsEntry("content",
                List.of(Map.of("type", "text", "text", "21 C"), Map.of("type", "text", "text", "sunny")));
    }

    @Test
    void plainTextMessagesKeepTheirStringContent() {
        UserMessage text = ChatMessage.user("Hi");

        assertThat(text.parts()).isEmpty();
        assertThat(new UserMessage("Hi", "ann")).isEqualTo(new UserMessage("Hi", "ann", List.of()));
        assertThat(ChatMessage.tool("c", "21 C").parts()).isEmpty();
    }

    @Test
    void rejectsAnImageWhoseMediaTypeIsNotAnImage() {
        assertThatThrownBy(() -> ContentPart.image(PNG, "text/plain"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mediaType must be an image type such as \"image/png\" or \"image/jpeg\", was \"text/plain\"");
    }

    @Test
    void rejectsAnImageUrlThatIsNotAWebOrDataUrl() {
        assertThatThrownBy(() -> ContentPart.imageUrl("/tmp/cat.png"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("image url must start with http://, https:// or data:image/, was \"/tmp/cat.png\"")
                .hasMessageContaining("ContentPart.image(bytes, type)");
    }

    @Test
    void rejectsAnUnknownDetailAndAudioFormat() {
        assertThatThrownBy(() -> ContentPart.imageUrl("https://x/y.png").withDetail("ultra"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image detail must be \"auto\", \"low\" or \"high\", was \"ultra\"");
        assertThatThrownBy(() -> ContentPart.audio(WAV, "ogg"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("audio format must be \"wav\" or \"mp3\", was \"ogg\"");
    }

    @Test
    void rejectsEmptyBytesAndMessagesWithBothTextAndParts() {
        assertThatThrownBy(() -> ContentPart.image(new byte[0], "image/png"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bytes");
        assertThatThrownBy(() -> new UserMessage("Hi", null, List.of(ContentPart.text("Hi"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text content or content parts, not both");
        assertThatThrownBy(() -> ChatMessage.user(List.of()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("at least one content part");
    }

    @Test
    void aDataUrlIsAbbreviatedInToString() {
        ContentPart.Image image = ContentPart.image(new byte[100_000], "image/png");

        assertThat(image.toString()).hasSizeLessThan(120).contains("data:image/png;base64,");
        assertThat(ContentPart.audio(WAV, "mp3").toString()).isEqualTo("Audio[format=mp3, 16 base64 chars]");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> message(int index) {
        return ((List<Map<String, Object>>) backend.lastRequest().bodyJson().get("messages")).get(index);
    }
}
