package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.LocalBackend;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code synth-lm batch} in a child JVM stopped by SIGINT, as Ctrl-C does, then resumed. */
class BatchStopTest {

    private static final String KEY = "sk-batch-stop-secret-123";
    private static final int LINES = 1_000;
    private static final Pattern DONE = Pattern.compile("\\] (\\d+)/" + LINES);

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void ctrlCWritesWhatIsInFlightSaysHowToResumeAndTheRerunSendsNothingTwice() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= LINES; i++) {
            sb.append(BatchCommandTest.line("id-" + i)).append('\n');
        }
        Path in = Files.writeString(dir.resolve("in.jsonl"), sb.toString());
        Path out = dir.resolve("out.jsonl");
        try (LocalBackend backend = LocalBackend.builder().apiKey(KEY).build().start()) {
            Map<String, String> env = Map.of("OPENAI_BASE_URL", backend.baseUrl() + "/v1", "OPENAI_API_KEY", KEY);
            ProcessBuilder pb = new ProcessBuilder(java(), "-cp", classPath(),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", Main.class.getName(), "batch", in.toString(),
                    "--output", out.toString(), "--provider", "openai", "--concurrency", "4",
                    "--progress-seconds", "0.02").directory(dir.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            Process p = pb.start();
            List<String> after = new ArrayList<>();
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = DONE.matcher(line);
                    if (m.find() && Long.parseLong(m.group(1)) >= 50 && p.isAlive()) {
                        interrupt(p);
                        break;
                    }
                }
                while ((line = err.readLine()) != null) {
                    after.add(line);
                }
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(String.join("\n", after)).contains("Stopped:")
                    .contains("run the same command again to resume");
            long written = Files.readAllLines(out).size();
            assertThat(written).isBetween(50L, LINES - 1L);

            Run rerun = Run.of(env, "batch", in.toString(), "--output", out.toString(), "--provider", "openai");

            assertThat(rerun.exitCode()).as(rerun.err()).isZero();
            assertThat(rerun.out()).contains((LINES - written) + " succeeded, 0 failed, " + written + " already done");
            Map<String, Integer> counts = new HashMap<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(out)) {
                counts.merge(json.readTree(line).get("custom_id").asText(), 1, Integer::sum);
            }
            assertThat(counts).hasSize(LINES);
            assertThat(counts.values()).allMatch(n -> n == 1);
            // What was in flight at the signal was written before exiting: nothing is sent twice.
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(LINES);
        }
    }

    /** What Ctrl-C sends, by the shell's own kill. {@code Process.destroy()} would send SIGTERM and close the streams still being read. */
    private static void interrupt(Process p) throws Exception {
        Process kill = new ProcessBuilder("sh", "-c", "kill -INT " + p.pid()).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String classPath() {
        LinkedHashSet<String> entries = new LinkedHashSet<>();
        for (String key : new String[] {"java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(key);
            if (value != null && !value.isBlank()) {
                entries.addAll(List.of(value.split(File.pathSeparator)));
            }
        }
        for (Class<?> type : new Class<?>[] {Main.class, ai.synth.lm.BatchRunner.class, LocalBackend.class}) {
            try {
                entries.add(Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
