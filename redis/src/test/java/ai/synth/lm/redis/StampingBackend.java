package ai.synth.lm.redis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A chat-completions backend on a free loopback port that stamps each request on arrival with the wall clock (the
 * one child JVMs share) and a reading of the test's choice, and answers a fixed completion, or a status from the
 * script of statuses. Tests wait on it for requests instead of polling.
 */
final class StampingBackend implements AutoCloseable {

    /** One request as it arrived. */
    record Arrival(long atMillis, String model, long reading) {}

    private static final String ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"%s\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
            + "\"total_tokens\":4}}";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final List<Arrival> arrivals = new ArrayList<>();
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final LongSupplier reading;

    private StampingBackend(LongSupplier reading) throws IOException {
        this.reading = reading;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    static StampingBackend start() throws IOException {
        return new StampingBackend(() -> 0);
    }

    /** A backend that reads {@code reading} as each request arrives, before answering it. */
    static StampingBackend start(LongSupplier reading) throws IOException {
        return new StampingBackend(reading);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next calls answer these statuses (an error body), then the completion again. */
    void failNext(int... codes) {
        for (int c : codes) {
            statuses.add(c);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int at = body.indexOf("\"model\":\"");
        String model = at < 0 ? "" : body.substring(at + 9, body.indexOf('"', at + 9));
        Arrival arrival = new Arrival(System.currentTimeMillis(), model, reading.getAsLong());
        synchronized (arrivals) {
            arrivals.add(arrival);
            arrivals.notifyAll();
        }
        Integer status = statuses.poll();
        byte[] out = (status == null ? String.format(ANSWER, model)
                : "{\"error\":{\"message\":\"scripted\",\"type\":\"server_error\"}}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status == null ? 200 : status, out.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
        }
    }

    /** Every request so far, in order of arrival. */
    List<Arrival> arrivals() {
        synchronized (arrivals) {
            return List.copyOf(arrivals);
        }
    }

    /**
     * Waits until {@code n} requests matching {@code which} have arrived.
     *
     * @throws AssertionError when they did not within {@code within}
     */
    List<Arrival> await(Predicate<Arrival> which, int n, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        synchronized (arrivals) {
            while (true) {
                List<Arrival> matching = arrivals.stream().filter(which).toList();
                if (matching.size() >= n) {
                    return matching;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + matching.size() + " of " + n + " requests within " + within);
                }
                arrivals.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
