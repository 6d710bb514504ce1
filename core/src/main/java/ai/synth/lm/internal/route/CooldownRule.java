package ai.synth.lm.internal.route;

/**
 * LiteLLM's cooldown rule for a router without {@code allowed_fails}: whether a failure that counts toward
 * cooldowns takes its deployment out, judged from the deployment's calls of the last minute. Rate rules spare a
 * deployment that is alone in its model group (no other deployment and no fallback), so that callers see the
 * backend's own error rather than "no deployment available".
 */
final class CooldownRule {

    /** More than this share of the last minute's calls failed: cool down. */
    static final double FAILURE_RATE = 0.5;
    /** The failure rate counts from this many calls in the minute. */
    static final int MIN_CALLS = 5;
    /** A deployment alone in its group cools down only when this many calls in the minute all failed. */
    static final int MIN_CALLS_ALL_FAILED = 1000;

    private CooldownRule() {}

    /**
     * Why the deployment cools down, or null when it does not.
     *
     * @param status the failure's HTTP status, 0 for a refused connection or a timeout
     * @param successes the deployment's successful calls within the last minute
     * @param failures its failed calls within the last minute, this one included
     * @param alone whether it is the only deployment of its group and the group has no fallback
     */
    static String reason(int status, int successes, int failures, boolean alone) {
        int calls = successes + failures;
        if (status == 429 && !alone) {
            return "rate limited (HTTP 429) while other deployments can take the calls";
        }
        if (failures == calls && calls >= MIN_CALLS_ALL_FAILED) {
            return "all " + calls + " calls within a minute failed";
        }
        if (!alone && calls >= MIN_CALLS && failures > FAILURE_RATE * calls) {
            return failures + " of " + calls + " calls within a minute failed";
        }
        if (status == 401 || status == 404) {
            return "HTTP " + status + " is not worth retrying on it";
        }
        return null;
    }
}
