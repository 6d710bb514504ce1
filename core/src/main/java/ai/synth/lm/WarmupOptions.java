package ai.synth.lm;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to warm a model up: whether to bypass the 10-minute warm cache, how many status checks to make and how far
 * apart, which GPU to ask for, and who to tell about progress.
 *
 * <pre>{@code
 * WarmupOptions options = WarmupOptions.builder()
 *     .force(true).maxAttempts(30).pollInterval(Duration.ofSeconds(2)).gpuPreference("A100")
 *     .listener(event -> System.err.println(event))
 *     .build();
 * }</pre>
 *
 * @param force warm up even when the model is remembered as warm; default false
 * @param maxAttempts how many status checks to make at most; default 30
 * @param pollInterval the wait between status checks; default 2 seconds
 * @param gpuPreference sent as {@code X-GPU-Preference} when not null; default null
 * @param listener told of each step, on the thread that made it; default none
 */
public record WarmupOptions(
        boolean force, int maxAttempts, Duration pollInterval, String gpuPreference, Consumer<WarmupEvent> listener) {

    private static final WarmupOptions DEFAULTS = builder().build();

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if {@code maxAttempts < 1} or the interval is negative
     */
    public WarmupOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (pollInterval.isNegative()) {
            throw new IllegalArgumentException("pollInterval must not be negative, was " + pollInterval);
        }
        // a header value: no line breaks (matches(".*[\\r\\n].*") missed "A100\r\nX: 1", "." stops at line ends)
        if (gpuPreference != null && (gpuPreference.isBlank() || gpuPreference.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("gpuPreference must be a GPU name such as \"A100\", without line breaks"
                    + " or other control characters");
        }
        listener = listener == null ? event -> { } : listener;
    }

    /** The defaults: no force, 30 attempts, 2 seconds apart. */
    public static WarmupOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link WarmupOptions}. Not thread-safe. */
    public static final class Builder {
        private boolean force;
        private int maxAttempts = 30;
        private Duration pollInterval = Duration.ofSeconds(2);
        private String gpuPreference;
        private Consumer<WarmupEvent> listener;

        private Builder() {}

        /** Warm up even when the model is remembered as warm. Default false. */
        public Builder force(boolean force) {
            this.force = force;
            return this;
        }

        /** How many status checks to make at most. Default 30. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The wait between status checks. Default 2 seconds. */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        /** A GPU to ask for, sent as {@code X-GPU-Preference}, e.g. {@code "A100"}. Default none. */
        public Builder gpuPreference(String gpuPreference) {
            this.gpuPreference = gpuPreference;
            return this;
        }

        /** Told of each step of the warmup. Default none. */
        public Builder listener(Consumer<WarmupEvent> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming a setting out of range
         */
        public WarmupOptions build() {
            return new WarmupOptions(force, maxAttempts, pollInterval, gpuPreference, listener);
        }
    }
}
