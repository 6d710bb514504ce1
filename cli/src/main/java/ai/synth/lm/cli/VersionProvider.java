package ai.synth.lm.cli;

import ai.synth.lm.internal.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the library's own version, the one it sends in {@code User-Agent}. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        // ai.synth.lm.internal is not exported to modules, but the CLI runs on the class path.
        return new String[] {"synth-lm " + Version.VERSION,
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
