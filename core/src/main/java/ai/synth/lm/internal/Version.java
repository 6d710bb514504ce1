package ai.synth.lm.internal;

/** The library version, for the {@code User-Agent} header and {@code --version}. */
public final class Version {
    /** The version of this build. */
    public static final String VERSION = "0.1.0";

    private Version() {}
}
