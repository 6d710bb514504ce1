package ai.synth.lm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The canned bodies nginx serves, in the shape OpenAI sends: a ~1 KB and a ~10 KB chat completion, and a stream of
 * {@value #STREAM_CHUNKS} chunks with content (the first also carries the role, the last the finish reason),
 * then {@code [DONE]}. The same bytes feed the JMH benchmarks.
 */
public final class Fixtures {

    /** The number of content chunks in the canned stream. */
    public static final int STREAM_CHUNKS = 1000;
    /** The model every client asks for. */
    public static final String MODEL = "gpt-4o-mini";
    /** The one user message every client sends. */
    public static final String PROMPT = "Hello! Please tell me a short story about a lighthouse keeper.";

    private static final String WORDS = "The keeper climbed the stairs at dusk and lit the lamp as the fog came"
            + " in from the sea, and the ships far out saw the light and turned for home. ";

    private Fixtures() {}

    /** A chat completion of about {@code bytes} bytes. */
    public static byte[] completion(int bytes) {
        String head = "{\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion\","
                + "\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"";
        String tail = "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":167,\"total_tokens\":186,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
                + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\"}";
        StringBuilder content = new StringBuilder();
        while (head.length() + content.length() + tail.length() < bytes) {
            content.append(WORDS);
        }
        content.setLength(Math.max(1, bytes - head.length() - tail.length()));
        return (head + content.toString().strip() + tail).getBytes(StandardCharsets.UTF_8);
    }

    /** The canned 1,000-chunk event stream. */
    public static byte[] stream() {
        StringBuilder sse = new StringBuilder(STREAM_CHUNKS * 240);
        for (int i = 0; i < STREAM_CHUNKS; i++) {
            String delta = (i == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":\"tok" + (i % 10) + " \"";
            String finish = i == STREAM_CHUNKS - 1 ? "\"stop\"" : "null";
            sse.append("data: {\"id\":\"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1741570283,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,\"delta\":{")
                    .append(delta).append("},\"logprobs\":null,\"finish_reason\":").append(finish).append("}]}\n\n");
        }
        sse.append("data: [DONE]\n\n");
        return sse.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The request body the raw floor posts (what the clients send, give or take field order). */
    public static byte[] requestBody(boolean stream) {
        return ("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]"
                + (stream ? ",\"stream\":true" : "") + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code completion-1k.json}, {@code completion-10k.json} and {@code stream.sse} into {@code dir}. */
    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("completion-1k.json"), completion(1024));
        Files.write(dir.resolve("completion-10k.json"), completion(10 * 1024));
        Files.write(dir.resolve("stream.sse"), stream());
    }
}
