package ai.synth.lm.internal.http;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * One asynchronous send through a {@link StreamGate.Lane}: it waits for a stream when the host's connection has
 * none free, goes again when the client refused it before it left, and is cancelled with its result future, waiting
 * or sent.
 */
final class GatedSend<B> {

    final CompletableFuture<HttpResponse<B>> result = new CompletableFuture<>();
    private final HttpClient http;
    private final Executor workers;
    private final StreamGate.Lane lane;
    private final HttpRequest request;
    private final HttpResponse.BodyHandler<B> handler;
    private volatile Future<?> current;

    GatedSend(HttpClient http, Executor workers, StreamGate.Lane lane, HttpRequest request,
            HttpResponse.BodyHandler<B> handler) {
        this.http = http;
        this.workers = workers;
        this.lane = lane;
        this.request = request;
        this.handler = handler;
    }

    void start() {
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                cancelCurrent();
            }
        });
        waitFor(lane.enter());
    }

    private void cancelCurrent() {
        Future<?> c = current;
        if (c instanceof CompletableFuture<?> ticket && !ticket.isDone()) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Void> waitingTicket = (CompletableFuture<Void>) ticket;
            if (lane.withdraw(waitingTicket)) {
                return;
            } // granted meanwhile: send() sees the result done and gives the stream back
        }
        if (c != null) {
            c.cancel(true);
        }
    }

    /** Sends once {@code ticket} lets it: at once when it already has, else on a worker (not the thread ending an exchange). */
    private void waitFor(CompletableFuture<Void> ticket) {
        if (ticket.isDone()) {
            send();
            return;
        }
        current = ticket;
        ticket.thenRunAsync(this::send, workers).exceptionally(e -> {
            if (!ticket.isCancelled()) { // the workers were shut down: the transport is closed
                lane.leave();
                result.completeExceptionally(e);
            }
            return null;
        });
        if (result.isCancelled()) {
            cancelCurrent();
        }
    }

    private void send() {
        if (result.isDone()) {
            lane.leave(); // cancelled while it waited
            return;
        }
        StreamGate.Once release = new StreamGate.Once(lane::leave);
        CompletableFuture<HttpResponse<B>> sent;
        try {
            sent = http.sendAsync(request, StreamGate.releasing(handler, lane, release));
        } catch (RuntimeException e) {
            lane.firstDone();
            release.run();
            result.completeExceptionally(e);
            return;
        }
        current = sent;
        sent.whenComplete((response, error) -> {
            lane.firstDone();
            if (error != null && StreamGate.refusedBeforeSending(error) && release.claim()) {
                waitFor(lane.refused()); // never sent: wait for a stream and send it again
            } else if (error != null) {
                release.run();
                result.completeExceptionally(error);
            } else {
                result.complete(response);
            }
        });
        if (result.isCancelled()) {
            sent.cancel(true);
        }
    }
}
