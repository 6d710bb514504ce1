package ai.synth.lm.internal.http;

import ai.synth.lm.internal.ProviderSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CancellationException;
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
    private final long limit;

    public JdkTransport(ProviderSettings settings, ThreadPoolExecutor workers, boolean plain) {
        this.workers = workers;
        this.limit = settings.maxResponseSize();
        this.http = HttpClients.newClient(settings, workers, plain);
    }

    @Override
    public Response send(Request call, BodyMode mode, Consumer<Runnable> onAbort)
            throws IOException, InterruptedException {
        HttpRequest request = request(call);
        HttpResponse.BodyHandler<Response> handler = handler(mode, onAbort);
        StreamGate.Lane lane = gate.lane(request.uri());
        CompletableFuture<Void> ticket = lane.enter();
        while (true) {
            await(lane, ticket);
            StreamGate.Once release = new StreamGate.Once(lane::leave);
            try {
                return http.send(request, StreamGate.releasing(handler, lane, release)).body();
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
    public CompletableFuture<Response> sendAsync(Request call, BodyMode mode) {
        HttpRequest request = request(call);
        GatedSend<Response> send = new GatedSend<>(http, workers, gate.lane(request.uri()), request,
                handler(mode, abort -> {}));
        send.start();
        CompletableFuture<Response> out = new CompletableFuture<>();
        send.result.whenComplete((response, error) -> {
            if (error != null) {
                out.completeExceptionally(error);
            } else if (!out.complete(response.body())) {
                response.body().discard(); // the caller gave up meanwhile
            }
        });
        out.whenComplete((response, error) -> {
            if (out.isCancelled()) {
                send.result.cancel(true);
            }
        });
        return out;
    }

    /** The JDK's form of {@code call}. */
    private static HttpRequest request(Request call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).method(call.method(), call.body() == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        Headers headers = call.headers();
        for (int i = 0; i < headers.size(); i++) {
            b.header(headers.name(i), headers.value(i));
        }
        return b.build();
    }

    /**
     * Reads a body as {@code mode} says, into the transport's own {@link Response}. A whole body can be ended from
     * another thread once its head is in: {@code onAbort} gets that action.
     */
    private HttpResponse.BodyHandler<Response> handler(BodyMode mode, Consumer<Runnable> onAbort) {
        return info -> {
            int status = info.statusCode();
            Headers headers = Headers.of(info.headers().map());
            if (!mode.live(status, headers)) {
                LimitedBody whole = LimitedBody.of(headers.firstValueAsLong("content-length").orElse(-1), limit);
                onAbort.accept(() -> whole.abort(new CancellationException("The exchange was ended")));
                return HttpResponse.BodySubscribers.mapping(whole, bytes -> Response.whole(status, headers, bytes));
            }
            if (mode == BodyMode.STREAM) {
                return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(),
                        in -> Response.streaming(status, headers, in));
            }
            return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofPublisher(),
                    body -> Response.publishing(status, headers, body));
        };
    }

    /** How many sends the host of {@code uri}'s HTTP/2 connection refused and sent again (for tests). */
    long refusals(URI uri) {
        return gate.lane(uri).refusals();
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
