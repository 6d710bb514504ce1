package ai.synth.lm.bench.jmh;

import ai.synth.lm.bench.Fixtures;
import ai.synth.lm.internal.wire.SseParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * synth-lm's SSE parser alone, on one thread: the canned 1,000-chunk stream (plus {@code [DONE]}) fed in 16 KiB
 * reads, as the HTTP client hands it over. The score is events per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SseParserBench {

    static final int EVENTS = Fixtures.STREAM_CHUNKS + 1;
    private static final int READ = 16 * 1024;

    private final byte[] stream = Fixtures.stream();
    private long bytes;

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parse() {
        SseParser parser = new SseParser((event, data, length, id) -> bytes += length, 16 << 20);
        for (int off = 0; off < stream.length; off += READ) {
            parser.feed(stream, off, Math.min(READ, stream.length - off));
        }
        parser.finish();
        return bytes;
    }
}
