package ai.synth.lm.redis;

import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Deployment;
import ai.synth.lm.Router;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.WarmupOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One JVM of the multi-process tests: {@code <mode> <redis url> <backend url> <key prefix> <extra...>}. Prints
 * {@code ready}, waits for {@code go <argument>}, does its part and prints the result.
 */
public final class Child {

    private Child() {}

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        String backend = a[2];
        RedisState.Builder state = RedisState.builder().url(a[1]).prefix(a[3]).timeout(Duration.ofSeconds(2));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        switch (mode) {
            case "warm" -> warm(connected(state), backend, a[4], in);
            case "rpm" -> rpm(connected(state.burst(Duration.ofMillis(Long.parseLong(a[6])))), backend,
                    Integer.parseInt(a[4]), Integer.parseInt(a[5]), in);
            case "hold" -> hold(connected(state.leaseTime(Duration.ofMillis(Long.parseLong(a[4])))), backend, in);
            case "route" -> route(connected(state), backend, in);
            default -> throw new IllegalArgumentException(mode);
        }
        System.exit(0);
    }

    /** A state connected to Redis before the child says ready (a loaded machine starts JVMs slowly). */
    private static RedisState connected(RedisState.Builder b) {
        RedisState state = b.build();
        if (!state.connect(Duration.ofSeconds(60))) {
            throw new IllegalStateException("no connection to Redis");
        }
        state.inFlight("probe"); // loads the command path
        return state;
    }

    private static String go(BufferedReader in) throws Exception {
        System.out.println("ready");
        System.out.flush();
        String line = in.readLine();
        if (line == null || !line.startsWith("go ")) {
            throw new IllegalStateException("expected go, got " + line);
        }
        return line.substring(3);
    }

    private static void warm(RedisState state, String backend, String model, BufferedReader in) throws Exception {
        try (SynthProvider p = new SynthProvider(SynthConfig.builder().baseUrl(backend).apiKey("k")
                .sharedState(state).environment(java.util.Map.of()).build())) {
            go(in);
            var result = p.warmup(model, WarmupOptions.builder().pollInterval(Duration.ofMillis(50))
                    .maxAttempts(400).build());
            System.out.println("outcome " + result.outcome());
        }
    }

    /** Calls for {@code millis} from the instant given on the go line, on {@code threads} threads; prints done. */
    private static void rpm(RedisState state, String backend, int rpm, int threads, BufferedReader in)
            throws Exception {
        try (Router router = Router.builder().sharedState(state).environment(java.util.Map.of())
                .deployment(Deployment.builder("g", "synth", "m").id("d").baseUrl(backend).apiKey("k").rpm(rpm)
                        .build()).build()) {
            call(router); // before the window: connections and classes are ready when it opens
            String[] window = go(in).split(" ");
            long start = Long.parseLong(window[0]);
            long end = start + Long.parseLong(window[1]);
            Thread.sleep(Math.max(0, start - System.currentTimeMillis())); // all JVMs open the window together
            AtomicInteger sent = new AtomicInteger();
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Thread(() -> {
                    while (System.currentTimeMillis() < end) {
                        if (call(router)) {
                            sent.incrementAndGet();
                        }
                    }
                });
                workers[i].start();
            }
            for (Thread t : workers) {
                t.join();
            }
            System.out.println("done " + sent.get());
        }
    }

    /** Starts one call the backend holds, says so, and waits to be killed. */
    private static void hold(RedisState state, String backend, BufferedReader in) throws Exception {
        Router router = Router.builder().sharedState(state).environment(java.util.Map.of())
                .deployment(Deployment.builder("g", "synth", "m").id("held").baseUrl(backend).apiKey("k").build())
                .build();
        go(in);
        router.createChatCompletionAsync(request());
        System.out.println("calling");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until kill -9
    }

    /** Calls group g (deployments x and y) until stdin closes or says stop, printing each deployment used. */
    private static void route(RedisState state, String backend, BufferedReader in) throws Exception {
        try (Router router = Router.builder().sharedState(state).environment(java.util.Map.of())
                .deployment(Deployment.builder("g", "synth", "m-x").id("x").baseUrl(backend).apiKey("k").build())
                .deployment(Deployment.builder("g", "synth", "m-y").id("y").baseUrl(backend).apiKey("k").build())
                .build()) {
            go(in);
            Thread caller = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    call(router);
                }
            });
            caller.setDaemon(true);
            caller.start();
            in.readLine();
            caller.interrupt();
            System.out.println("done");
        }
    }

    private static boolean call(Router router) {
        try {
            router.createChatCompletion(request());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static ChatCompletionRequest request() {
        return ChatCompletionRequest.of("g", List.of(ChatMessage.user("hi"))).toBuilder().maxTokens(5).build();
    }
}
