package ai.synth.lm.internal.batch;

/**
 * The checks of the settings the batch builders share (the file runner's and Spark's), so that both refuse a bad
 * value with the same message. Each returns its value when it is good.
 */
public final class BatchChecks {
    private BatchChecks() {}

    /** The most a builder allows in flight at once. */
    public static final int MAX_CONCURRENCY = 10_000;

    /**
     * A model that replaces every request's own, or null to keep them; {@code each} names what holds a request's
     * own in the message, e.g. {@code "line"}.
     *
     * @throws IllegalArgumentException if the model is blank
     */
    public static String model(String model, String each) {
        if (model != null && model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank: pass a model name, or null to keep each "
                    + each + "'s");
        }
        return model;
    }

    /**
     * The most requests in flight at once.
     *
     * @throws IllegalArgumentException if not from 1 to {@link #MAX_CONCURRENCY}
     */
    public static int concurrency(int concurrency) {
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY + ", was "
                    + concurrency);
        }
        return concurrency;
    }

    /**
     * Requests per minute, 0 for no limit.
     *
     * @throws IllegalArgumentException if negative
     */
    public static int rpm(int rpm) {
        if (rpm < 0) {
            throw new IllegalArgumentException("rpm must be 0 (no limit) or more, was " + rpm);
        }
        return rpm;
    }

    /**
     * Tokens per minute, 0 for no limit.
     *
     * @throws IllegalArgumentException if negative
     */
    public static long tpm(long tpm) {
        if (tpm < 0) {
            throw new IllegalArgumentException("tpm must be 0 (no limit) or more, was " + tpm);
        }
        return tpm;
    }
}
