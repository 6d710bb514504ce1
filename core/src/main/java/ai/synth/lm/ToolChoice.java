package ai.synth.lm;

import java.util.Objects;

/**
 * Whether and which tool the model must call: {@link #auto()}, {@link #none()}, {@link #required()} or
 * {@link #function(String)}.
 */
public sealed interface ToolChoice permits ToolChoice.Mode, ToolChoice.Function {

    /** The model decides whether to call a tool (the backend's default when tools are given). */
    static ToolChoice auto() {
        return Mode.AUTO;
    }

    /** The model must not call a tool. */
    static ToolChoice none() {
        return Mode.NONE;
    }

    /** The model must call at least one tool. */
    static ToolChoice required() {
        return Mode.REQUIRED;
    }

    /** The model must call the named function. */
    static ToolChoice function(String name) {
        return new Function(name);
    }

    /** A choice sent as a plain string: {@code "auto"}, {@code "none"} or {@code "required"}. */
    enum Mode implements ToolChoice {
        /** {@code "auto"}. */
        AUTO,
        /** {@code "none"}. */
        NONE,
        /** {@code "required"}. */
        REQUIRED;

        /** The wire value. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A choice that forces one named function.
     *
     * @param name the function name; never null
     */
    record Function(String name) implements ToolChoice {
        /** Validates the name. */
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }
}
