package ai.synth.lm;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a batch job stands, or how it ended: counts of this run, tokens used and failures by type. A job's
 * {@link BatchJob#progress()} answers a snapshot at any time; its result is the final one.
 *
 * @param succeeded requests answered and written to the output file in this run
 * @param failed lines written to the errors file in this run: requests that failed after their retries, malformed
 *     or invalid lines and repeated {@code custom_id}s
 * @param skipped lines whose result an earlier run already wrote (resume)
 * @param inFlight requests sent and not yet answered
 * @param promptTokens prompt tokens of the answered requests, as the provider reported them
 * @param completionTokens completion tokens of the answered requests
 * @param wallTime time since the job started, on the runner's clock
 * @param failuresByType how many lines failed for each reason ({@code rate_limited}, {@code server_error},
 *     {@code timeout}, {@code malformed_line}, {@code duplicate_custom_id}, ...), sorted by name; never null
 * @param finished whether the job has ended (all lines done, or cancelled and drained)
 * @param cancelled whether the job was cancelled before reading the whole input
 */
public record BatchSummary(long succeeded, long failed, long skipped, long inFlight, long promptTokens,
        long completionTokens, Duration wallTime, Map<String, Long> failuresByType, boolean finished,
        boolean cancelled) {

    /** Copies the failure counts, sorted by name. */
    public BatchSummary {
        failuresByType = java.util.Collections.unmodifiableMap(new TreeMap<>(failuresByType));
    }

    /** Lines settled so far: succeeded, failed and skipped. */
    public long done() {
        return succeeded + failed + skipped;
    }

    /** Prompt and completion tokens together. */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
