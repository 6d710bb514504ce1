package ai.synth.lm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the JMH benchmarks (allocation per call with {@code -prof gc}, and the SSE parser) in forked JVMs. */
final class JmhRunner {

    private final String java;
    private final Path jar;
    private final Path logs;
    private final boolean smoke;

    JmhRunner(String java, Path jar, Path logs, boolean smoke) {
        this.java = java;
        this.jar = jar;
        this.logs = logs;
        this.smoke = smoke;
    }

    /** The settings, as JMH options; the same for every benchmark. */
    List<String> options() {
        return smoke ? List.of("-f", "1", "-wi", "1", "-w", "200ms", "-i", "1", "-r", "300ms")
                : List.of("-f", "2", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s");
    }

    /** One map per benchmark (and client): score, error, unit, and bytes per operation from the gc profiler. */
    Map<String, Object> run() throws IOException, InterruptedException {
        Path results = logs.resolve("jmh.json");
        Files.deleteIfExists(results);
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", jar.toString(), "org.openjdk.jmh.Main",
                "ai.synth.lm.bench.jmh.*", "-prof", "gc", "-jvmArgs", "-Xms1g -Xmx1g -XX:+UseG1GC",
                "-rf", "json", "-rff", results.toString()));
        cmd.addAll(options());
        System.out.println("jmh " + String.join(" ", cmd.subList(4, cmd.size())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logs.resolve("jmh.log").toFile())
                .start();
        int exit = p.waitFor();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("options", String.join(" ", options()) + " -prof gc");
        List<Map<String, Object>> rows = new ArrayList<>();
        out.put("rows", rows);
        if (exit != 0 || !Files.exists(results)) {
            out.put("failed", "JMH exited " + exit + "; see " + logs.resolve("jmh.log"));
            return out;
        }
        for (JsonNode b : Main.JSON.readTree(results.toFile())) {
            Map<String, Object> row = new LinkedHashMap<>();
            String name = b.path("benchmark").asText();
            row.put("benchmark", name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
            row.put("client", b.path("params").path("client").asText("synth-lm"));
            row.put("score", b.path("primaryMetric").path("score").asDouble());
            row.put("score_error", b.path("primaryMetric").path("scoreError").asDouble());
            row.put("unit", b.path("primaryMetric").path("scoreUnit").asText());
            JsonNode norm = b.path("secondaryMetrics").path("gc.alloc.rate.norm");
            if (!norm.isMissingNode()) {
                row.put("alloc_bytes_per_op", norm.path("score").asDouble());
                row.put("alloc_error", norm.path("scoreError").asDouble());
            }
            rows.add(row);
            System.out.printf("jmh %-28s %-12s %.1f %s, %.0f B/op%n", row.get("benchmark"), row.get("client"),
                    row.get("score"), row.get("unit"), norm.path("score").asDouble());
        }
        return out;
    }
}
