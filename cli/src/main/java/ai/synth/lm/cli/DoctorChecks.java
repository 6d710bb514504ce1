package ai.synth.lm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The network checks of one provider, each stopping the ones after it when it fails: the base URL parses, its host
 * resolves and accepts a connection, {@code GET /v1/models} accepts the key, and for Synth the warmup status
 * endpoint exists. Each failure carries the fix the README's Troubleshooting gives.
 */
final class DoctorChecks {

    /**
     * One check's outcome.
     *
     * @param ok whether it passed
     * @param what what was checked and what came back
     * @param fix how to fix it, or null when it passed
     */
    record Check(boolean ok, String what, String fix) {
        static Check ok(String what) {
            return new Check(true, what, null);
        }

        static Check fail(String what, String fix) {
            return new Check(false, what, fix);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DoctorProvider provider;
    private final DoctorProvider.Settings settings;
    private final String model;
    private final List<Check> checks = new ArrayList<>();

    private DoctorChecks(DoctorProvider provider, DoctorProvider.Settings settings, String model) {
        this.provider = provider;
        this.settings = settings;
        this.model = model;
    }

    /** Runs the checks in order until one fails. */
    static List<Check> run(DoctorProvider provider, DoctorProvider.Settings settings, String model) {
        DoctorChecks c = new DoctorChecks(provider, settings, model);
        URI uri = URI.create(settings.baseUrl());
        boolean passed = c.add(Check.ok("base URL parses: " + uri.getScheme() + ", host " + uri.getHost()
                + ", port " + port(uri)))
                && c.add(c.connects(uri))
                && c.add(c.get(settings.apiBase() + "/models", "key accepted"));
        if (passed && settings.warmupBase() != null) {
            c.add(c.get(settings.warmupBase() + "/warmup/status/" + model, "warmup endpoints"));
        }
        return List.copyOf(c.checks);
    }

    private boolean add(Check check) {
        checks.add(check);
        return check.ok();
    }

    private Check connects(URI uri) {
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Check.fail("host " + host + " does not resolve",
                    provider.fixes().baseUrl() + ": the host name is not known to DNS.");
        }
        add(Check.ok("host " + host + " resolves to " + Arrays.stream(addresses)
                .map(InetAddress::getHostAddress).collect(Collectors.joining(", "))));
        String where = host + ":" + port(uri);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(addresses[0], port(uri)), millis(settings.connectTimeout()));
            return Check.ok(where + " accepts connections");
        } catch (SocketTimeoutException e) {
            return Check.fail(where + " did not accept a connection within " + seconds(settings.connectTimeout()),
                    provider.fixes().baseUrl() + ": is the server up, and is nothing (a firewall) in the way?");
        } catch (IOException e) {
            return Check.fail("nothing answers on " + where + " (" + e.getMessage() + ")",
                    provider.fixes().baseUrl() + ": is the server running, and is the port right?");
        }
    }

    /** A GET with the key; anything but 404 proves the endpoint exists, and only 2xx passes for the models. */
    private Check get(String url, String label) {
        String path = URI.create(url).getRawPath();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(settings.timeout())
                .header("Authorization", "Bearer " + settings.apiKey()).GET().build();
        HttpResponse<String> response;
        long started = System.nanoTime();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            if (System.nanoTime() - started < settings.connectTimeout().toNanos()) {
                // The JDK reports the request timeout as a connect timeout when it fires while still connecting
                // (a busy machine, a slow TLS handshake): the request timeout is what ran out.
                return Check.fail(label + ": GET " + path + " did not answer within " + seconds(settings.timeout()),
                        provider.fixes().timeout());
            }
            return Check.fail(label + ": GET " + path + " could not connect within "
                    + seconds(settings.connectTimeout()), provider.fixes().baseUrl() + ".");
        } catch (HttpTimeoutException e) {
            return Check.fail(label + ": GET " + path + " did not answer within " + seconds(settings.timeout()),
                    provider.fixes().timeout());
        } catch (ConnectException e) {
            return Check.fail(label + ": GET " + path + " could not connect",
                    provider.fixes().baseUrl() + ": is the server running, and is the port right?");
        } catch (IOException e) {
            return Check.fail(label + ": GET " + path + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), provider.fixes().baseUrl() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.fail(label + ": interrupted", null);
        }
        return judge(label, "GET " + path + " answered HTTP " + response.statusCode(), response);
    }

    private Check judge(String label, String answered, HttpResponse<String> response) {
        int status = response.statusCode();
        if (label.equals("warmup endpoints")) {
            return status == 404
                    ? Check.fail(label + ": " + answered + ", no such endpoint", "This URL has no Synth warmup"
                            + " endpoints, so it is not a Synth backend. " + provider.fixes().baseUrl()
                            + ", or for an OpenAI-compatible server use LM_PROVIDER=openai with OPENAI_BASE_URL.")
                    : Check.ok(label + ": " + answered + statusWord(response.body()));
        }
        if (status == 401 || status == 403) {
            return Check.fail(label + ": " + answered + ", the key was rejected",
                    "The key is wrong or expired (it is never retried). " + provider.fixes().key());
        }
        if (status == 429) {
            return Check.fail(label + ": " + answered + ", rate limited", provider.fixes().rateLimit());
        }
        if (status == 502 || status == 503 || status == 504) {
            return Check.fail(label + ": " + answered, "Serverless backends answer 502/503/504 while a model loads:"
                    + " warm it up first ('synth-lm warmup MODEL'), then run doctor again.");
        }
        if (status == 404) {
            return Check.fail(label + ": " + answered + ", no such endpoint",
                    provider.fixes().baseUrl() + (provider == DoctorProvider.SYNTH
                            ? ": it should be the backend's root URL, with or without /v1."
                            : ": it should be the URL that /models and /chat/completions follow,"
                                    + " usually ending in /v1."));
        }
        if (status / 100 != 2) {
            return Check.fail(label + ": " + answered, provider.fixes().baseUrl() + ".");
        }
        return Check.ok(label + ": " + answered + modelCount(response.body()));
    }

    private static String modelCount(String body) {
        try {
            JsonNode data = JSON.readTree(body).path("data");
            return data.isArray() ? " (" + data.size() + " models listed)" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private String statusWord(String body) {
        try {
            JsonNode status = JSON.readTree(body).path("status");
            return status.isTextual() ? " (" + model + ": " + status.asText() + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
