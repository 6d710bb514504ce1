package ai.synth.lm.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/** The JDK's {@link HttpClient}: HTTP/2 over TLS. A blocking send is ended by interrupting its caller. */
final class JdkTransport implements Transport {

    private final HttpClient http;
    private final ThreadPoolExecutor workers;

    JdkTransport(ProviderSettings settings, ThreadPoolExecutor workers, boolean plain) {
        this.workers = workers;
        this.http = HttpClients.newClient(settings, workers, plain);
    }

    @Override
    public <B> HttpResponse<B> send(HttpRequest request, HttpResponse.BodyHandler<B> handler,
            Consumer<Runnable> onAbort) throws IOException, InterruptedException {
        return http.send(request, handler);
    }

    @Override
    public <B> CompletableFuture<HttpResponse<B>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<B> handler) {
        return http.sendAsync(request, handler);
    }

    @Override
    public void close() {
        workers.shutdown(); // on JDK 17 the client cannot be shut down, but its threads end here
        HttpClients.shutdown(http);
    }
}
