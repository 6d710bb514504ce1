package ai.synth.lm;

import static ai.synth.lm.BatchFiles.idCounts;
import static ai.synth.lm.BatchFiles.results;
import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.LocalBackend;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The batch in a child JVM killed with SIGKILL at random points, then resumed until done. */
class BatchKillTest {

    static final String KEY = "sk-batch-kill-key-0123456789";
    static final int LINES = 1_000;
    static final int CONCURRENCY = 8;
    static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void killedAtRandomPointsAndResumedEveryIdEndsOnceAndOnlyInFlightRequestsAreSentAgain() throws Exception {
        Path input = BatchFiles.input(dir, LINES);
        Path output = dir.resolve("out.jsonl");
        SplittableRandom random = new SplittableRandom(20261201);
        try (LocalBackend backend = LocalBackend.builder().apiKey(KEY).build().start()) {
            String base = backend.baseUrl() + "/v1";
            int kills = 0;
            long doneBefore = 0;
            while (kills < KILLS) {
                int target = 1 + random.nextInt((LINES - (int) doneBefore) / (KILLS - kills + 1));
                long reached = runAndKill(base, input, output, target);
                kills++;
                doneBefore = results(output).size();
                assertThat(reached).isGreaterThanOrEqualTo(target);
            }
            Process last = child(base, input, output).start();
            List<String> lines = drain(last);
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(last.exitValue()).isZero();
            // Progress lines come from the runner's threads and may still be printed after the summary line.
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("finished"));

            Map<String, Integer> counts = idCounts(output, dir.resolve("out.errors.jsonl"));
            assertThat(counts).hasSize(LINES);
            assertThat(counts.values()).allMatch(n -> n == 1);
            assertThat(results(dir.resolve("out.errors.jsonl"))).isEmpty();
            // Each kill may lose at most the requests in flight at that moment.
            assertThat(backend.requestCount("/v1/chat/completions"))
                    .isBetween(LINES, LINES + KILLS * CONCURRENCY);
        }
    }

    /** Runs the batch in a child JVM until it reports {@code target} results settled, then kills it (SIGKILL). */
    private long runAndKill(String base, Path input, Path output, int target) throws Exception {
        Process p = child(base, input, output).start();
        long reached = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (reached < target && (line = out.readLine()) != null) {
                if (line.startsWith("done ")) {
                    reached = Long.parseLong(line.substring(5));
                }
            }
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return reached;
    }

    static List<String> drain(Process p) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    private ProcessBuilder child(String base, Path input, Path output) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", classPath(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", BatchChild.class.getName(), base,
                input.toString(), output.toString(), Integer.toString(CONCURRENCY)));
        return new ProcessBuilder(command).redirectError(dir.resolve("child-stderr.txt").toFile());
    }

    /** The test's class path, plus the module path and this module's class folders when surefire uses modules. */
    static String classPath() {
        LinkedHashSet<String> entries = new LinkedHashSet<>();
        for (String key : new String[] {"java.class.path", "jdk.module.path"}) {
            String value = System.getProperty(key);
            if (value != null && !value.isBlank()) {
                entries.addAll(List.of(value.split(File.pathSeparator)));
            }
        }
        entries.add(location(BatchChild.class));
        entries.add(location(BatchRunner.class));
        entries.add(location(LocalBackend.class));
        return String.join(File.pathSeparator, entries);
    }

    private static String location(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
