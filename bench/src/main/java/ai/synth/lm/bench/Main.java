package ai.synth.lm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's entry point. {@code bench/run} uses {@code fixtures} and {@code free-port} to set nginx up, then
 * {@code run}, which starts one {@code child} JVM per scenario, client and round.
 *
 * <pre>
 * fixtures DIR                         write the canned bodies nginx serves
 * tls DIR                              write the run's certificate, key and trust store (see Tls)
 * tls-password                         print the password of that trust store
 * free-port                            print a free loopback port
 * run --base URL [--tls-base URL --h2-base URL --trust-store P12 --trust-password PW] --cli-jar JAR --out DIR
 *     [--logs DIR] [--rounds N] [--smoke] [--only SELECTION] [--baseline LATEST_JSON] [--redis-url URL]
 * child SCENARIO CLIENT BASE_URL [key=value...]
 * </pre>
 */
public final class Main {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RESULT = "RESULT ";
    /** A result's Redis round trips per call (the router row with its state in Redis). */
    static final String REDIS_ROUND_TRIPS = "redis_round_trips_per_call";

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "fixtures" -> Fixtures.write(Path.of(args[1]));
            case "tls" -> Tls.write(Path.of(args[1]));
            case "tls-password" -> System.out.println(Tls.PASSWORD);
            case "free-port" -> {
                try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    System.out.println(socket.getLocalPort());
                }
            }
            case "run" -> System.exit(Orchestrator.fromArgs(Arrays.copyOfRange(args, 1, args.length)).run());
            case "child" -> child(args);
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: fixtures DIR | tls DIR | free-port | run --base URL --cli-jar JAR --out DIR"
                + " [--tls-base URL --h2-base URL --trust-store P12 --trust-password PW] [--smoke] [--only SELECTION]"
                + " | child SCENARIO CLIENT BASE_URL [key=value...]");
        System.exit(2);
    }

    /** Runs one load for one client, prints its figures as one JSON line, and exits (peers leave threads behind). */
    private static void child(String[] args) throws Exception {
        String scenario = args[1];
        String name = args[2];
        String baseUrl = args[3];
        Map<String, String> p = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            p.put(kv[0], kv[1]);
        }
        long warmup = Long.parseLong(p.getOrDefault("warmup_ms", "1000"));
        long measure = Long.parseLong(p.getOrDefault("measure_ms", "1000"));
        int concurrency = Integer.parseInt(p.getOrDefault("concurrency", "64"));
        JitSettle.Settle settle = JitSettle.Settle.of(p);
        if (name.equals(BenchClient.SOCKETS)) { // no client, only the in-flight scenario's floor
            if (!scenario.equals("inflight")) {
                throw new IllegalArgumentException(name + " runs in the inflight scenario only, not " + scenario);
            }
            result(SocketFloor.run(baseUrl, Integer.parseInt(p.get("calls")),
                    Integer.parseInt(p.getOrDefault("warmup_calls", "0")), Long.parseLong(p.get("cap_ms"))),
                    SocketFloor.LIMITS);
            return;
        }
        if (scenario.equals("batch")) {
            batch(name, baseUrl, p, concurrency);
            return;
        }
        BenchClient client = BenchClient.create(name, baseUrl);
        Map<String, Object> out = switch (scenario) {
            case "latency", "latency_10k" -> Loads.latency(client, warmup, settle.maxMs(), measure);
            case "throughput_sync" -> Loads.throughputSync(client, concurrency, warmup, settle, measure);
            case "throughput_async" -> Loads.throughputAsync(client, concurrency, warmup, settle, measure);
            case "streaming" -> Loads.streaming(client, warmup, settle.maxMs(), measure);
            case "inflight" -> InFlight.run(client, Integer.parseInt(p.get("calls")),
                    Integer.parseInt(p.getOrDefault("warmup_calls", "0")), Long.parseLong(p.get("cap_ms")));
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
        if (client instanceof RouterClient router && !Double.isNaN(router.redisRoundTripsPerCall())) {
            out.put(REDIS_ROUND_TRIPS, router.redisRoundTripsPerCall());
        }
        result(out, client.limits());
    }

    /** The batch scenario: the runner's row, or the hand-written loop over synth-lm's async face (row synth-lm). */
    private static void batch(String name, String baseUrl, Map<String, String> p, int concurrency) throws Exception {
        int warmup = Integer.parseInt(p.getOrDefault("warmup_calls", "0"));
        int calls = Integer.parseInt(p.get("calls"));
        JitSettle.Settle settle = JitSettle.Settle.of(p);
        if (name.equals(BatchLoad.RUNNER)) {
            result(BatchLoad.runner(baseUrl, warmup, settle, calls, concurrency), BatchLoad.limits(concurrency));
        } else if (name.equals("synth-lm")) {
            try (BenchClient client = BenchClient.create(name, baseUrl)) {
                result(BatchLoad.loop(client, warmup, settle, calls, concurrency), client.limits());
            }
        } else {
            throw new IllegalArgumentException("the batch scenario runs synth-lm and " + BatchLoad.RUNNER + ", not "
                    + name);
        }
    }

    /** Prints one child's figures as the line the orchestrator reads, and exits. */
    private static void result(Map<String, Object> out, String limits) throws Exception {
        out.put("limits", limits);
        System.out.println(RESULT + JSON.writeValueAsString(out));
        System.out.flush();
        System.exit(0); // not halt: a flight recording started with -XX:StartFlightRecording is written on exit
    }
}
