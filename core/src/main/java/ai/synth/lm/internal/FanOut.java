package ai.synth.lm.internal;

import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.WarmupEvent;
import java.util.List;
import java.util.function.Consumer;

/** Several listeners as one, each told defensively so one that throws does not silence the others. */
final class FanOut implements LMListener {

    private final List<LMListener> listeners;

    FanOut(List<LMListener> listeners) {
        this.listeners = listeners;
    }

    private void each(String method, Consumer<LMListener> event) {
        for (LMListener l : listeners) {
            Events.safely(l, method, event);
        }
    }

    @Override
    public void callStarted(LMCall call) {
        each("callStarted", l -> l.callStarted(call));
    }

    @Override
    public void callEnded(CallEnd end) {
        each("callEnded", l -> l.callEnded(end));
    }

    @Override
    public void attemptEnded(Attempt attempt) {
        each("attemptEnded", l -> l.attemptEnded(attempt));
    }

    @Override
    public void retryScheduled(Retry retry) {
        each("retryScheduled", l -> l.retryScheduled(retry));
    }

    @Override
    public void connectionOpened(Connection connection) {
        each("connectionOpened", l -> l.connectionOpened(connection));
    }

    @Override
    public void requestResent(Resend resend) {
        each("requestResent", l -> l.requestResent(resend));
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        each("cooldownStarted", l -> l.cooldownStarted(cooldown));
    }

    @Override
    public void cooldownEnded(Cooldown cooldown) {
        each("cooldownEnded", l -> l.cooldownEnded(cooldown));
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        each("limiterWait", l -> l.limiterWait(wait));
    }

    @Override
    public void warmupProgress(WarmupEvent event) {
        each("warmupProgress", l -> l.warmupProgress(event));
    }
}
