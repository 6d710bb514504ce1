package ai.synth.lm.cli;

import ai.synth.lm.ChatCompletion;

/** Replies of the local backend come from a deterministic simulator: whenever the CLI shows one, it says so. */
final class SimulatorNotice {

    /** The {@code system_fingerprint} the local backend puts on every response. */
    static final String FINGERPRINT = "synth-lm-local";

    static final String TEXT = "(reply from the synth-lm local backend: a deterministic simulator, not a model)";

    private SimulatorNotice() {}

    static boolean applies(ChatCompletion response) {
        return FINGERPRINT.equals(response.systemFingerprint());
    }
}
