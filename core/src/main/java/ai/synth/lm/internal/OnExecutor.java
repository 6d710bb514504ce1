package ai.synth.lm.internal;

import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.WarmupEvent;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listener told on an executor, so that a slow one never holds up a call. */
final class OnExecutor implements LMListener {

    private static final Logger log = LoggerFactory.getLogger(LMListener.class);

    private final LMListener listener;
    private final Executor executor;

    OnExecutor(LMListener listener, Executor executor) {
        this.listener = listener;
        this.executor = executor;
    }

    private <T> void later(String method, BiConsumer<LMListener, T> event, T argument) {
        try {
            executor.execute(() -> Events.safely(listener, method, event, argument));
        } catch (RejectedExecutionException e) {
            log.debug("The listener's executor refused a {} event; it is dropped", method);
        }
    }

    @Override
    public void callStarted(LMCall call) {
        later("callStarted", LMListener::callStarted, call);
    }

    @Override
    public void callEnded(CallEnd end) {
        later("callEnded", LMListener::callEnded, end);
    }

    @Override
    public void attemptEnded(Attempt attempt) {
        later("attemptEnded", LMListener::attemptEnded, attempt);
    }

    @Override
    public void retryScheduled(Retry retry) {
        later("retryScheduled", LMListener::retryScheduled, retry);
    }

    @Override
    public void connectionOpened(Connection connection) {
        later("connectionOpened", LMListener::connectionOpened, connection);
    }

    @Override
    public void requestResent(Resend resend) {
        later("requestResent", LMListener::requestResent, resend);
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        later("cooldownStarted", LMListener::cooldownStarted, cooldown);
    }

    @Override
    public void cooldownEnded(Cooldown cooldown) {
        later("cooldownEnded", LMListener::cooldownEnded, cooldown);
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        later("limiterWait", LMListener::limiterWait, wait);
    }

    @Override
    public void warmupProgress(WarmupEvent event) {
        later("warmupProgress", LMListener::warmupProgress, event);
    }
}
