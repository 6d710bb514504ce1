package ai.synth.lm.bench.jmh;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.bench.Fixtures;
import ai.synth.lm.internal.wire.JsonCodec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.internal.OpenAiUtils;
import dev.langchain4j.model.openai.internal.chat.ChatCompletionResponse;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What each client does per call between the caller and the socket: build the request, encode it, decode the
 * response into the objects the caller gets. Each uses the client's own code (its internal JSON mapper where it
 * has one), nothing of the transport.
 */
public final class Codecs {

    /** The ~1 KB response every codec decodes. */
    static final byte[] RESPONSE = Fixtures.completion(1024);

    /** One round trip: returns something derived from both halves, so nothing is optimized away. */
    @FunctionalInterface
    public interface Codec {
        int roundTrip() throws Exception;
    }

    private Codecs() {}

    public static Codec of(String client) {
        return switch (client) {
            case "synth-lm" -> Codecs::synthLm;
            case "openai-java" -> openAiJava();
            case "langchain4j" -> langChain4j();
            case "raw-jdk" -> rawJdk();
            default -> throw new IllegalArgumentException(client);
        };
    }

    /** The request builder, then what HttpEngine.chat and parseCompletion call. */
    static int synthLm() throws Exception {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model(Fixtures.MODEL)
                .messages(List.of(ChatMessage.user(Fixtures.PROMPT))).build();
        byte[] body = JsonCodec.writeRequest(request, false);
        return body.length + JsonCodec.readCompletion(RESPONSE).choices().get(0).message().content().length();
    }

    /** The params builder, then the SDK's own mapper on the params body and on the response, as its handlers do. */
    static Codec openAiJava() {
        JsonMapper mapper = ObjectMappers.jsonMapper();
        return () -> {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(Fixtures.MODEL)
                    .addUserMessage(Fixtures.PROMPT).build();
            byte[] body = mapper.writeValueAsBytes(params._body());
            com.openai.models.chat.completions.ChatCompletion completion =
                    mapper.readValue(RESPONSE, com.openai.models.chat.completions.ChatCompletion.class);
            return body.length + completion.choices().get(0).message().content().orElse("").length();
        };
    }

    /**
     * What {@code OpenAiChatModel.chat} does: the ChatRequest, its conversion to the OpenAI request, the library's
     * package-private {@code Json} mapper both ways (its HTTP client hands the body over as a String), and the
     * conversion back to a {@code ChatResponse} with its metadata.
     */
    static Codec langChain4j() {
        ObjectMapper mapper;
        try {
            Field f = Class.forName("dev.langchain4j.model.openai.internal.Json").getDeclaredField("OBJECT_MAPPER");
            f.setAccessible(true);
            mapper = (ObjectMapper) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LangChain4j's internal Json mapper moved", e);
        }
        ObjectMapper json = mapper;
        return () -> {
            ChatRequest chat = ChatRequest.builder().messages(UserMessage.from(Fixtures.PROMPT))
                    .parameters(OpenAiChatRequestParameters.builder().modelName(Fixtures.MODEL).build()).build();
            String body = json.writeValueAsString(OpenAiUtils.toOpenAiChatRequest(chat,
                    (OpenAiChatRequestParameters) chat.parameters(), false, false).build());
            ChatCompletionResponse r = json.readValue(new String(RESPONSE, StandardCharsets.UTF_8),
                    ChatCompletionResponse.class);
            ChatResponse response = ChatResponse.builder().aiMessage(OpenAiUtils.aiMessageFrom(r))
                    .metadata(OpenAiChatResponseMetadata.builder().id(r.id()).modelName(r.model())
                            .tokenUsage(OpenAiUtils.tokenUsageFrom(r.usage()))
                            .finishReason(OpenAiUtils.finishReasonFrom(r.choices().get(0).finishReason()))
                            .created(r.created()).serviceTier(r.serviceTier()).systemFingerprint(r.systemFingerprint())
                            .build())
                    .build();
            return body.length() + response.aiMessage().text().length();
        };
    }

    /** The floor posts a prebuilt body and reads the tree. */
    static Codec rawJdk() {
        ObjectMapper json = new ObjectMapper();
        byte[] body = Fixtures.requestBody(false);
        return () -> {
            JsonNode tree = json.readTree(RESPONSE);
            return body.length + tree.path("choices").path(0).path("message").path("content").asText().length();
        };
    }
}
