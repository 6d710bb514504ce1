package ai.synth.lm;

import static ai.synth.lm.BatchFiles.idCounts;
import static ai.synth.lm.BatchFiles.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.synth.lm.internal.HttpEngine;
import ai.synth.lm.testserver.LocalBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch input of more than 1 GB run in a child JVM whose heap is 64 MB: 4,096 lines of 256 KB prompts (1 GiB)
 * and then 40,000 short lines. The child prints the heap in use (after a collection) when the large lines are done,
 * and twice over the short lines: what the runner keeps must not grow with the bytes read, and with the lines read
 * only by the {@code custom_id}s it keeps to find duplicates (about 100 bytes each for these ids).
 *
 * <p>Skipped in the pass that sends every call through the JDK HttpClient: the child runs the default transport
 * either way, and this run is the slowest of the suite.
 */
class BatchHeapTest {

    static final int LARGE_LINES = 4_096;
    static final int LARGE_LINE_BYTES = 256 * 1024;
    static final int SHORT_LINES = 40_000;
    static final int TOTAL = LARGE_LINES + SHORT_LINES;
    static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void aOneGigabyteInputRunsInA64MegabyteHeapWithEveryIdOnceAndOnlyTheIdsGrowingWithTheLines() throws Exception {
        assumeFalse("jdk".equals(System.getProperty(HttpEngine.TRANSPORT_PROPERTY)),
                "run once, over the default transport");
        Path input = input(dir.resolve("in.jsonl"));
        assertThat(Files.size(input)).isGreaterThan(1L << 30);
        Path output = dir.resolve("out.jsonl");
        long[] checkpoints = {LARGE_LINES, LARGE_LINES + 2_000, TOTAL};
        List<String> lines;
        try (LocalBackend backend = LocalBackend.builder().apiKey(BatchKillTest.KEY).recordBodies(false).build()
                .start()) {
            Process child = child(backend.baseUrl() + "/v1", input, output, checkpoints).start();
            lines = BatchKillTest.drain(child);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(dir.resolve("child-stderr.txt"))).isZero();
            assertThat(backend.requestCount("/v1/chat/completions")).isEqualTo(TOTAL);
        }
        assertThat(lines).contains("finished " + TOTAL + " 0 0");
        Map<String, Integer> counts = idCounts(output, dir.resolve("out.errors.jsonl"));
        assertThat(counts).hasSize(TOTAL);
        assertThat(counts.values()).allMatch(n -> n == 1);
        assertThat(results(dir.resolve("out.errors.jsonl"))).isEmpty();

        long[][] heap = lines.stream().filter(l -> l.startsWith("heap ")).map(l -> l.split(" "))
                .map(f -> new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])}).toArray(long[][]::new);
        assertThat(heap).hasNumberOfRows(checkpoints.length);
        double perShortLine = (double) (heap[2][1] - heap[1][1]) / (heap[2][0] - heap[1][0]);
        System.out.printf("BatchHeapTest: heap in use after %d large lines %.1f MB; then %.0f bytes a short line"
                + " over %d%n", heap[0][0], heap[0][1] / (double) MB, perShortLine, heap[2][0] - heap[1][0]);
        assertThat(heap[0][1]).as("heap in use after 1 GiB of large lines").isLessThan(16 * MB);
        assertThat(perShortLine).as("heap added a short line").isLessThan(160);
    }

    /** The large lines, each the same 256 KB with its own id, written a line a call; then the short lines. */
    private static Path input(Path file) throws IOException {
        String head = "{\"custom_id\":\"large-000000\",\"body\":{\"model\":\"gpt-4o-mini\",\"max_tokens\":5,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"";
        byte[] tail = "\"}]}}\n".getBytes(StandardCharsets.US_ASCII);
        byte[] words = "lorem ipsum dolor sit amet ".getBytes(StandardCharsets.US_ASCII);
        byte[] line = new byte[LARGE_LINE_BYTES];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, line, 0, head.length());
        for (int i = head.length(); i < line.length - tail.length; i++) {
            line[i] = words[(i - head.length()) % words.length];
        }
        System.arraycopy(tail, 0, line, line.length - tail.length, tail.length);
        int digits = head.indexOf("000000");
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = 1; n <= LARGE_LINES; n++) {
                for (int d = 5, v = n; d >= 0; d--, v /= 10) {
                    line[digits + d] = (byte) ('0' + v % 10);
                }
                out.write(line);
            }
            StringBuilder block = new StringBuilder();
            for (int n = 1; n <= SHORT_LINES; n++) {
                block.append(BatchFiles.line("short-" + n, "Question number " + n)).append('\n');
                if (block.length() > MB || n == SHORT_LINES) {
                    out.write(block.toString().getBytes(StandardCharsets.UTF_8));
                    block.setLength(0);
                }
            }
        }
        return file;
    }

    private ProcessBuilder child(String base, Path input, Path output, long[] checkpoints) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String at = String.join(",", Arrays.stream(checkpoints).mapToObj(Long::toString).toList());
        List<String> command = List.of(java, "-Xmx64m", "-cp", BatchKillTest.classPath(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", BatchHeapChild.class.getName(), base,
                input.toString(), output.toString(), "8", at);
        return new ProcessBuilder(command).redirectError(dir.resolve("child-stderr.txt").toFile());
    }
}
