package ai.synth.lm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.OpenAIConfig;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs every example against the in-process local backend and checks what it printed, so that no example can
 * rot. The backend's answers come from its deterministic simulator, not from a model.
 */
class ExamplesTest {

    private static final String KEY = "examples-key";
    private static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";

    private LocalBackend backend;
    private SynthConfig synth;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).warmAfterPolls(1).build().start();
        synth = SynthConfig.builder().baseUrl(backend.baseUrl()).apiKey(KEY).environment(Map.of())
                .scheduler(delay -> CompletableFuture.completedFuture(null))   // polls and retries without waiting
                .build();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private static List<String> lines(Consumer<PrintStream> example) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            example.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void quickStartWarmsUpThenAnswers() {
        List<String> out = lines(o -> QuickStart.run(synth, o));

        assertThat(out).containsExactly("warm: true",
                "answer: Local simulator reply (synth-lm local backend, not a model): you said \"Hello!\"");
        assertThat(backend.requests()).extracting(RecordedRequest::path).contains("/v1/chat/completions");
    }

    @Test
    void rawResponsesPrintsTheRequestIdAndTheBodyBesideTheAnswer() {
        List<String> out = lines(o -> RawResponses.run(synth, o));

        assertThat(out).hasSize(5);
        assertThat(out.get(0)).isEqualTo("status: 200");
        assertThat(out.get(1)).startsWith("request id: req_local_");
        assertThat(out.get(2)).startsWith("content type: application/json");
        assertThat(out.get(3)).matches("body: [1-9][0-9]+ bytes");
        assertThat(out.get(4)).isEqualTo(
                "answer: Local simulator reply (synth-lm local backend, not a model): you said \"Hello!\"");
    }

    @Test
    void oneShotReadsItsSettingsFromTheDotenvFile() throws IOException {
        Path dotenv = Path.of(".env");
        Assumptions.assumeFalse(Files.exists(dotenv), "a .env already exists in " + dotenv.toAbsolutePath());
        Files.writeString(dotenv, "SYNTH_BASE_URL=" + backend.baseUrl() + "\nSYNTH_API_KEY=" + KEY + "\n");
        try {
            List<String> out = lines(OneShot::run);

            assertThat(out).hasSize(2);
            assertThat(out.get(0)).startsWith("sync: Local simulator reply").endsWith("\"Hello!\"");
            assertThat(out.get(1)).startsWith("async: Local simulator reply").endsWith("\"Hello!\"");
        } finally {
            Files.delete(dotenv);
        }
    }

    @Test
    void providerSwitchingSendsTheRequestToEachProvider() {
        OpenAIConfig openai = OpenAIConfig.builder().baseUrl(backend.baseUrl() + "/v1").apiKey(KEY)
                .environment(Map.of()).build();

        List<String> out = lines(o -> ProviderSwitching.run(synth, openai, o));

        assertThat(out).hasSize(2);
        assertThat(out.get(0)).startsWith("synth (" + MODEL + "): Local simulator reply");
        assertThat(out.get(1)).startsWith("openai (gpt-4o-mini): Local simulator reply");
        assertThat(backend.requests()).extracting(r -> r.bodyJson().get("model")).containsExactly(MODEL, "gpt-4o-mini");
    }

    @Test
    void streamingPrintsTheStoryPieceByPieceThenTheTotals() {
        List<String> out = lines(o -> Streaming.run(synth, o));

        assertThat(out.get(0)).isEqualTo("Local simulator reply (synth-lm local backend, not a model): you said"
                + " \"Tell me a story.\"");
        assertThat(out.get(1)).matches("finish: stop, tokens: [1-9][0-9]*");
        assertThat(backend.lastRequest().bodyJson()).containsEntry("stream", true)
                .containsEntry("stream_options", Map.of("include_usage", true));
    }

    @Test
    void toolsRunTheCallTheModelAskedForAndSendTheResultBack() {
        List<String> out = lines(o -> Tools.run(synth, o));

        assertThat(out).containsExactly("tool call: get_weather for Paris",
                "answer: Local simulator reply: the get_weather tool returned {\"location\": \"Paris\", "
                        + "\"temperature_c\": 21}");
    }

    @Test
    void structuredOutputPrintsTheParsedRecord() {
        List<String> out = lines(o -> StructuredOutput.run(synth, o));

        assertThat(out.get(0)).isEqualTo("city: Paris");
        assertThat(out.get(1)).isEqualTo("temperature: 21 C");
        assertThat(out.get(2)).startsWith("raw: {\"city\":\"Paris\",\"temperatureC\":21,");
        assertThat(backend.lastRequest().bodyJson().get("response_format")).asString()
                .contains("json_schema").contains("strict=true");
    }

    @Test
    void asyncFanOutAnswersEveryPromptInOrderWithinTheLimit() {
        List<String> out = lines(o -> AsyncFanOut.run(synth, 12, 3, o));

        assertThat(out).hasSize(13);
        for (int i = 1; i <= 12; i++) {
            assertThat(out.get(i - 1)).startsWith("Question " + i + " -> ").endsWith("\"Question " + i + "\"");
        }
        assertThat(out.get(12)).matches("answers: 12, most in flight: [123]");
        assertThat(backend.requests()).hasSize(12);
    }

    @Test
    void warmupPrintsEachPollThenTheOutcome() {
        backend.setWarm(MODEL, false);

        List<String> out = lines(o -> Warmup.run(synth, o));

        assertThat(out).last().isEqualTo("warm");
        assertThat(out.subList(0, out.size() - 1)).isNotEmpty().allMatch(line -> line.startsWith("event: "));
        assertThat(backend.requests()).extracting(RecordedRequest::path)
                .containsExactly("/warmup/" + MODEL, "/warmup/status/" + MODEL);
    }
}
