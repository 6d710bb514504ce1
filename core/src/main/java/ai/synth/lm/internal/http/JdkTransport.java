package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * The JDK's {@link HttpClient}: HTTP/2 over TLS. A blocking send is ended by interrupting its caller. Sends beyond
 * the free streams of a host's HTTP/2 connection wait for one ({@link StreamGate}) instead of failing.
 */
public final class JdkTransport implements Transport {

    private final HttpClient http;
    private final ThreadPoolExecutor workers;
    private final StreamGate gate = new StreamGate();

    public JdkTransport(ProviderSettings settings, ThreadPoolExecutor workers, boolean plain) {
        this.workers = workers;
        this.http = HttpClients.newClient(settings, workers, plain);
    }

    @Override
    public <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            Consumer<Runnable> onAbort) throws IOException, InterruptedException {
        StreamGate.Lane lane = gate.lane(request.uri());
        CompletableFuture<Void> ticket = lane.enter();
        while (true) {
            await(lane, ticket);
            StreamGate.Once release = new StreamGate.Once(lane::leave);
            try {
                return http.send(request, StreamGate.releasing(handler, lane, release));
            } catch (IOException e) {
                lane.firstDone();
                if (!StreamGate.refusedBeforeSending(e) || !release.claim()) {
                    release.run();
                    throw e;
                }
                ticket = lane.refused(); // never sent: wait for a stream and send it again
            } catch (InterruptedException | RuntimeException | Error e) {
                lane.firstDone();
                release.run();
                throw e;
            }
        }
    }

    /** Waits on the caller's thread until {@code ticket} lets the send go; an interrupt gives the wait up. */
    private static void await(StreamGate.Lane lane, CompletableFuture<Void> ticket) throws InterruptedException {
        if (ticket.isDone()) {
            return;
        }
        try {
            ticket.get();
        } catch (InterruptedException e) {
            if (!lane.withdraw(ticket)) {
                lane.leave(); // granted meanwhile: give the stream back unused
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a stream wait failed", e.getCause()); // tickets only ever complete
        }
    }

    @Override
    public <B> CompletableFuture<HttpResponse<B>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<B> handler) {
        GatedSend<B> send = new GatedSend<>(http, workers, gate.lane(request.uri()), request, handler);
        send.start();
        return send.result;
    }

    /** How many sends the host of {@code request}'s HTTP/2 connection refused and sent again (for tests). */
    long refusals(HttpRequest request) {
        return gate.lane(request.uri()).refusals();
    }

    /**
     * No: cancelled before its connection is up, the JDK client may still connect and send, then leave that
     * connection open (seen on JDK 25 by StreamCancellationTest); a response that arrives for a cancelled call is
     * discarded instead, which closes it.
     */
    @Override
    public boolean cancelClosesConnection() {
        return false;
    }

    @Override
    public void close() {
        workers.shutdown(); // on JDK 17 the client cannot be shut down, but its threads end here
        HttpClients.shutdown(http);
    }
}
