package ai.synth.lm.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Per client, one request build + JSON encode + response decode; run with {@code -prof gc} for bytes per call. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocationBench {

    /** BenchClient.CODECS: synth-lm-jdk is synth-lm's codec over another transport, so it has no row here. */
    @Param({"synth-lm", "openai-java", "langchain4j", "raw-jdk"})
    public String client;

    private Codecs.Codec codec;

    @Setup
    public void setup() throws Exception {
        codec = Codecs.of(client);
        codec.roundTrip(); // fails here, not in the measurement, if a peer's internals moved
    }

    @Benchmark
    public int roundTrip() throws Exception {
        return codec.roundTrip();
    }
}
