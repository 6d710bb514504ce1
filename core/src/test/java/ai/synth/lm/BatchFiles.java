package ai.synth.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writing batch inputs and reading batch results in tests. */
final class BatchFiles {
    private BatchFiles() {}

    static final ObjectMapper JSON = new ObjectMapper();

    /** One OpenAI Batch line asking the model a short question. */
    static String line(String customId, String question) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"gpt-4o-mini\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}}";
    }

    /** {@code n} lines with custom ids {@code req-1} ... {@code req-n}. */
    static Path input(Path dir, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            sb.append(line("req-" + i, "Question number " + i)).append('\n');
        }
        return write(dir.resolve("input.jsonl"), sb.toString());
    }

    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of a result file, parsed; fails on a line that is not complete JSON. */
    static List<JsonNode> results(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                throw new AssertionError(file + " ends in a truncated line");
            }
            List<JsonNode> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many times each custom_id appears across the files. */
    static Map<String, Integer> idCounts(Path... files) {
        Map<String, Integer> counts = new HashMap<>();
        for (Path f : files) {
            for (JsonNode n : results(f)) {
                counts.merge(n.get("custom_id").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
