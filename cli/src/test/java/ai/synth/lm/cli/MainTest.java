package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @Test
    void versionPrintsTheLibraryVersion() {
        Run run = Run.of(Map.of(), "--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("synth-lm " + ai.synth.lm.internal.Version.VERSION + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "chat", "warmup", "serve-local"})
    void everyCommandHasHelpAndVersion(String command) {
        Run help = Run.of(Map.of(), command, "--help");
        Run version = Run.of(Map.of(), command, "--version");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: synth-lm " + command);
        assertThat(version.out()).startsWith("synth-lm ");
    }

    @Test
    void helpListsTheCommands() {
        Run run = Run.of(Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("demo", "chat", "warmup", "serve-local", "--verbose");
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        Run run = Run.of(Map.of());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("Usage: synth-lm");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void unknownOptionIsOneLineWithExit2() {
        Run run = Run.of(Map.of(), "chat", "--colour", "hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("synth-lm chat: Unknown option: '--colour' (see 'synth-lm chat --help')");
    }

    @Test
    void unknownCommandIsOneLineWithExit2() {
        Run run = Run.of(Map.of(), "chatt");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().startsWith("synth-lm: Unmatched argument");
    }
}
