package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.WarmupEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarmupProgressTest {

    @Test
    void redrawsOneLineOnATerminal() {
        StringWriter out = new StringWriter();
        WarmupProgress progress = new WarmupProgress(new PrintWriter(out), true);

        progress.accept(new WarmupEvent("m", "warming", 1, Duration.ofMillis(250), null));
        progress.accept(new WarmupEvent("m", "warmed", 2, Duration.ofMillis(500), null));
        progress.done();

        assertThat(out.toString()).startsWith("\r").contains("\r      warmed").endsWith("\n")
                .containsOnlyOnce("\n");
    }

    @Test
    void printsOneLinePerEventOtherwise() {
        StringWriter out = new StringWriter();
        WarmupProgress progress = new WarmupProgress(new PrintWriter(out), false);

        progress.accept(new WarmupEvent("m", "warming", 1, Duration.ofMillis(250), null));
        progress.accept(new WarmupEvent("m", "error", 2, Duration.ofMillis(1500), "status check failed"));
        progress.done();

        assertThat(out.toString().lines()).containsExactly(
                "      warming        attempt 1    0.25 s",
                "      error          attempt 2    1.50 s  status check failed");
    }
}
