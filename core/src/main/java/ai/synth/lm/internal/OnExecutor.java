package ai.synth.lm.internal;

import ai.synth.lm.LMCall;
import ai.synth.lm.LMListener;
import ai.synth.lm.WarmupEvent;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
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

    private void later(String method, Consumer<LMListener> event) {
        try {
            executor.execute(() -> Events.safely(listener, method, event));
        } catch (RejectedExecutionException e) {
            log.debug("The listener's executor refused a {} event; it is dropped", method);
        }
    }

    @Override
    public void callStarted(LMCall call) {
        later("callStarted", l -> l.callStarted(call));
    }

    @Override
    public void callEnded(CallEnd end) {
        later("callEnded", l -> l.callEnded(end));
    }

    @Override
    public void attemptEnded(Attempt attempt) {
        later("attemptEnded", l -> l.attemptEnded(attempt));
    }

    @Override
    public void retryScheduled(Retry retry) {
        later("retryScheduled", l -> l.retryScheduled(retry));
    }

    @Override
    public void connectionOpened(Connection connection) {
        later("connectionOpened", l -> l.connectionOpened(connection));
    }

    @Override
    public void requestResent(Resend resend) {
        later("requestResent", l -> l.requestResent(resend));
    }

    @Override
    public void cooldownStarted(Cooldown cooldown) {
        later("cooldownStarted", l -> l.cooldownStarted(cooldown));
    }

    @Override
    public void cooldownEnded(Cooldown cooldown) {
        later("cooldownEnded", l -> l.cooldownEnded(cooldown));
    }

    @Override
    public void limiterWait(LimiterWait wait) {
        later("limiterWait", l -> l.limiterWait(wait));
    }

    @Override
    public void warmupProgress(WarmupEvent event) {
        later("warmupProgress", l -> l.warmupProgress(event));
    }
}
