package ai.synth.lm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One table of the report: a scenario against one of nginx's servers. {@code http} is plain HTTP/1.1;
 * {@code https} is TLS offering only HTTP/1.1; {@code h2} is TLS offering HTTP/2 by ALPN (each client negotiates
 * what it supports), for the in-flight scenario only.
 *
 * @param table the scenario and how it is shown
 * @param scheme {@value #HTTP}, {@value #HTTPS} or {@value #H2}
 */
record Section(Table table, String scheme) {

    static final String HTTP = "http";
    static final String HTTPS = "https";
    static final String H2 = "h2";
    static final List<String> SCHEMES = List.of(HTTP, HTTPS, H2);

    /** Every section, in the order of the report: each scenario over http, then over https, then in flight over h2. */
    static final List<Section> ALL = all();

    private static List<Section> all() {
        List<Section> out = new ArrayList<>();
        for (String scheme : List.of(HTTP, HTTPS)) {
            for (Table t : Table.ALL) {
                if (scheme.equals(HTTP) || !t.scenario().equals("batch")) { // the batch runner: over http only
                    out.add(new Section(t, scheme));
                }
            }
        }
        out.add(new Section(Table.of("inflight"), H2));
        return List.copyOf(out);
    }

    String scenario() {
        return table.scenario();
    }

    /** How results are filed: {@code scheme:scenario}. */
    String key() {
        return scheme + ":" + scenario();
    }

    /** The heading, with the server it ran against. */
    String title() {
        return table.title() + ", " + switch (scheme) {
            case HTTP -> "over http";
            case HTTPS -> "over https (TLS, HTTP/1.1)";
            default -> "over https to a server offering h2 (ALPN)";
        };
    }

    /**
     * The rows this section runs and shows: every client; over plain http in the in-flight scenario the bare-sockets
     * floor too (it speaks no TLS), in the latency and throughput scenarios the router, in the latency scenario the
     * router with its state in Redis, and in the throughput scenarios the OpenTelemetry row. The batch scenario has
     * two rows: a hand-written loop over synth-lm's async face (row synth-lm) and the batch runner.
     */
    List<String> rows() {
        if (scenario().equals("batch")) {
            return List.of("synth-lm", BatchLoad.RUNNER);
        }
        if (scheme.equals(HTTP) && scenario().equals("inflight")) {
            return Stream.concat(BenchClient.NAMES.stream(), Stream.of(BenchClient.SOCKETS)).toList();
        }
        if (scheme.equals(HTTP) && BenchClient.ROUTED.contains(scenario())) {
            // the routers (and the OpenTelemetry row) right after synth-lm's own two rows, whose provider they wrap
            List<String> added = new java.util.ArrayList<>(List.of(BenchClient.ROUTER));
            if (BenchClient.REDIS_ROUTED.contains(scenario())) {
                added.add(BenchClient.REDIS_ROUTER);
            }
            if (BenchClient.TRACED.contains(scenario())) {
                added.add(BenchClient.OTEL);
            }
            return Stream.concat(Stream.concat(BenchClient.NAMES.stream().limit(2), added.stream()),
                    BenchClient.NAMES.stream().skip(2)).toList();
        }
        return BenchClient.NAMES;
    }

    /** The section for a scheme and scenario, or null when there is none (only in-flight runs over h2). */
    static Section of(String scheme, String scenario) {
        return ALL.stream().filter(s -> s.scheme.equals(scheme) && s.scenario().equals(scenario)).findFirst()
                .orElse(null);
    }

    /**
     * The sections a {@code --only} selection names: comma-separated scenarios ({@code latency}), schemes
     * ({@code https}, which takes in {@code h2} too, or {@code http}, {@code h2}), or both ({@code https:streaming}).
     * Null or empty selects every section.
     */
    static List<Section> select(String only) {
        if (only == null || only.isBlank()) {
            return ALL;
        }
        List<Section> out = new ArrayList<>();
        for (Section s : ALL) {
            for (String token : only.split(",")) {
                if (s.matches(token.strip())) {
                    out.add(s);
                    break;
                }
            }
        }
        return out;
    }

    private boolean matches(String token) {
        int colon = token.indexOf(':');
        if (colon >= 0) {
            return schemeMatches(token.substring(0, colon)) && scenario().equals(token.substring(colon + 1));
        }
        return schemeMatches(token) || scenario().equals(token);
    }

    private boolean schemeMatches(String s) {
        return scheme.equals(s) || (s.equals(HTTPS) && scheme.equals(H2));
    }
}
