package ai.synth.lm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up, for the record: {@code synth-lm chat} as a whole process (JVM start included) against nginx, and
 * {@code curl} posting the same request, alternating, wall time per run.
 */
final class Startup {

    private final Path cliJar;
    private final String url;
    private final String java;
    private final Path logs;

    Startup(Path cliJar, String baseUrl, String java, Path logs) {
        this.cliJar = cliJar;
        this.url = baseUrl;
        this.java = java;
        this.logs = logs;
    }

    /** Per command: the wall times in ms of the runs that succeeded, and the failures. */
    Map<String, Object> run(int runs) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("synth-lm-startup"); // no .env here
        Path body = dir.resolve("body.json");
        Files.write(body, Fixtures.requestBody(false));
        List<String> cli = List.of(java, "-jar", cliJar.toString(), "chat", "--provider", "openai", Fixtures.PROMPT);
        List<String> curl = List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST",
                url + "/chat/completions", "-H", "Authorization: Bearer bench-key", "-H",
                "Content-Type: application/json", "--data-binary", "@" + body);
        Map<String, List<Double>> times = new LinkedHashMap<>();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        for (String name : List.of("synth-lm chat", "curl")) {
            times.put(name, new ArrayList<>());
            failures.put(name, new ArrayList<>());
        }
        timed(cli, dir, "synth-lm chat"); // one untimed run each: the OS page cache, not the tools, is warmed
        timed(curl, dir, "curl");
        for (int i = 0; i < runs; i++) {
            for (String name : i % 2 == 0 ? List.of("synth-lm chat", "curl") : List.of("curl", "synth-lm chat")) {
                Object r = timed(name.equals("curl") ? curl : cli, dir, name);
                if (r instanceof Double ms) {
                    times.get(name).add(ms);
                } else {
                    failures.get(name).add((String) r);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : times.keySet()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("runs_ms", times.get(name));
            row.put("failures", failures.get(name));
            out.put(name, row);
        }
        out.put("command", "java -jar cli/target/" + cliJar.getFileName() + " chat --provider openai \""
                + Fixtures.PROMPT + "\"");
        return out;
    }

    /** The wall time in ms, or why the run failed. */
    private Object timed(List<String> cmd, Path dir, String name) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("SYNTH_") || k.startsWith("MODAL_") || k.startsWith("OPENAI_")
                || k.equals("LM_PROVIDER") || k.equals("JAVA_TOOL_OPTIONS"));
        env.put("OPENAI_BASE_URL", url);
        env.put("OPENAI_API_KEY", "bench-key");
        long start = System.nanoTime();
        Process p = pb.start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        double ms = (System.nanoTime() - start) / 1e6;
        String text = new String(output, StandardCharsets.UTF_8).strip();
        boolean ok = p.exitValue() == 0 && (name.equals("curl") ? text.equals("200") : !text.isEmpty());
        if (!ok) {
            Files.writeString(logs.resolve("startup-failure.log"), name + ": exit " + p.exitValue() + "\n" + text);
            return "exit " + p.exitValue() + ": " + (text.length() > 200 ? text.substring(0, 200) : text);
        }
        return ms;
    }
}
