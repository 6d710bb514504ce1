package ai.synth.lm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes each event down as a short line, and keeps the calls' ends. */
final class RecordingListener implements LMListener {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final List<CallEnd> ends = new CopyOnWriteArrayList<>();
    final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void callStarted(LMCall call) {
        lines.add("start " + call.provider() + " " + call.model() + (call.stream() ? " stream" : ""));
        events.add(call);
    }

    @Override
    public void callEnded(CallEnd end) {
        lines.add("end " + (end.succeeded() ? "ok" : end.cancelled() ? "cancelled" : end.error().getClass()
                .getSimpleName()) + " after " + end.attempts());
        ends.add(end);
    }

    @Override
    public void attemptEnded(Attempt attempt) {
        lines.add("attempt " + attempt.number() + " " + attempt.status());
        events.add(attempt);
    }

    @Override
    public void retryScheduled(Retry retry) {
        lines.add("retry " + (retry.deployment() != null ? retry.deployment() + " " : "") + retry.attempt() + " in "
                + retry.delay().toMillis() + " ms");
        events.add(retry);
    }

    @Override
    public void connectionOpened(Connection connection) {
        events.add(connection);
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        lines.add("cooldown " + cooldown.deployment() + " " + cooldown.length().toSeconds() + " s");
    }

    @Override
    public void cooldownEnded(Cooldown cooldown) {
        lines.add("cooled " + cooldown.deployment());
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        lines.add("wait " + wait.modelGroup() + " " + wait.delay().toSeconds() + " s: " + wait.why());
    }

    @Override
    public void warmupProgress(WarmupEvent event) {
        lines.add("warmup " + event.status());
    }

    /** The lines of one kind, by their first word. */
    List<String> lines(String kind) {
        return lines.stream().filter(l -> l.startsWith(kind + " ")).toList();
    }
}
