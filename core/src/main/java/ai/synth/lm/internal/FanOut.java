package ai.synth.lm.internal;

import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.WarmupEvent;
import java.util.List;
import java.util.function.BiConsumer;

/** Several listeners as one, each told defensively so one that throws does not silence the others. */
final class FanOut implements LMListener {

    private final List<LMListener> listeners;

    FanOut(List<LMListener> listeners) {
        this.listeners = listeners;
    }

    private <T> void each(String method, BiConsumer<LMListener, T> event, T argument) {
        for (LMListener l : listeners) {
            Events.safely(l, method, event, argument);
        }
    }

    @Override
    public void callStarted(LMCall call) {
        each("callStarted", LMListener::callStarted, call);
    }

    @Override
    public void callEnded(CallEnd end) {
        each("callEnded", LMListener::callEnded, end);
    }

    @Override
    public void attemptEnded(Attempt attempt) {
        each("attemptEnded", LMListener::attemptEnded, attempt);
    }

    @Override
    public void retryScheduled(Retry retry) {
        each("retryScheduled", LMListener::retryScheduled, retry);
    }

    @Override
    public void connectionOpened(Connection connection) {
        each("connectionOpened", LMListener::connectionOpened, connection);
    }

    @Override
    public void requestResent(Resend resend) {
        each("requestResent", LMListener::requestResent, resend);
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        each("cooldownStarted", LMListener::cooldownStarted, cooldown);
    }

    @Override
    public void cooldownEnded(Cooldown cooldown) {
        each("cooldownEnded", LMListener::cooldownEnded, cooldown);
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        each("limiterWait", LMListener::limiterWait, wait);
    }

    @Override
    public void warmupProgress(WarmupEvent event) {
        each("warmupProgress", LMListener::warmupProgress, event);
    }
}
