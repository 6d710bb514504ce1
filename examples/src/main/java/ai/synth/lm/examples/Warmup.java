package ai.synth.lm.examples;

import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.WarmupOptions;
import ai.synth.lm.WarmupResult;
import java.io.PrintStream;
import java.time.Duration;

/** README "Warmup": start a cold Synth model, print each step of the polling, and the outcome. */
public final class Warmup {

    private Warmup() {}

    /** Runs the example with settings from the environment. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), System.out);
    }

    /** Warms the model up (forced, so the 10-minute cache does not answer) and prints how it went. */
    static void run(SynthConfig config, PrintStream out) {
        try (SynthProvider provider = new SynthProvider(config)) {
            WarmupResult result = provider.warmup(QuickStart.MODEL, WarmupOptions.builder()
                    .force(true)
                    .maxAttempts(30)
                    .pollInterval(Duration.ofSeconds(2))
                    .listener(event -> out.println("event: " + event))
                    .build());
            out.println(result.warm() ? "warm" : "not warm: " + result.outcome() + ", " + result.error());
        }
    }
}
