package ai.synth.lm.cli;

import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import java.io.PrintWriter;

/** {@code chat -v}: one line on stderr per attempt, retry and wait, as each happens. */
final class EventPrinter implements LMListener {

    private final PrintWriter err;

    EventPrinter(PrintWriter err) {
        this.err = err;
    }

    private void line(String text) {
        synchronized (err) {
            err.println("[synth-lm] " + text);
            err.flush();
        }
    }

    @Override
    public void callStarted(LMCall call) {
        line("calling " + call.provider() + (call.deployment() != null ? " (deployment " + call.deployment() + ")" : "")
                + " model " + call.model() + " at " + call.serverAddress() + ":" + call.serverPort()
                + (call.stream() ? ", streamed" : ""));
    }

    @Override
    public void attemptEnded(Attempt attempt) {
        line("attempt " + attempt.number() + ": " + (attempt.error() != null ? "failed: " + attempt.error()
                : "HTTP " + attempt.status()) + " in " + attempt.duration().toMillis() + " ms");
    }

    @Override
    public void retryScheduled(Retry retry) {
        line("retrying " + (retry.deployment() != null && retry.call() == null ? "elsewhere after deployment "
                + retry.deployment() + " failed " : "") + "in " + retry.delay().toMillis() + " ms after "
                + retry.reason());
    }

    @Override
    public void callEnded(CallEnd end) {
        String outcome = end.succeeded() ? "done" : end.cancelled() ? "cancelled" : "failed";
        line(outcome + " after " + end.attempts() + " attempt"
                + (end.attempts() == 1 ? "" : "s") + " in " + end.duration().toMillis() + " ms"
                + (end.timeToFirstChunk() != null ? ", first chunk after " + end.timeToFirstChunk().toMillis() + " ms"
                        : "")
                + (end.usage() != null ? ", " + end.usage().promptTokens() + " tokens in, "
                        + end.usage().completionTokens() + " out" : ""));
    }

    @Override
    public void connectionOpened(Connection connection) {
        line("connecting to " + connection.authority());
    }

    @Override
    public void requestResent(Resend resend) {
        line("a pooled connection to " + resend.authority() + " broke before the request left; sending on a new one");
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        line("deployment " + cooldown.deployment() + " cools down for " + cooldown.length().toMillis() + " ms ("
                + cooldown.reason() + ")");
    }

    @Override
    public void cooldownEnded(Cooldown cooldown) {
        line("deployment " + cooldown.deployment() + " is back from its cooldown");
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        line("waiting " + wait.delay().toMillis() + " ms: every deployment of " + wait.modelGroup() + " is "
                + wait.why());
    }
}
