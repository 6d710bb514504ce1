package ai.synth.lm;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private nginx on a free loopback port, serving one canned chat completion over TLS (with HTTP/2 offered by
 * ALPN) with a self-signed certificate made here by the JDK's keytool. Needs nginx: tests skip without it, except
 * in CI ({@code CI=true}), where {@code .ci/run} installs it and its absence fails them.
 */
final class TlsNginx implements AutoCloseable {

    static final String COMPLETION = "{\"id\":\"chatcmpl-h2\",\"object\":\"chat.completion\",\"created\":1,"
            + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello over h2!\"},\"finish_reason\":\"stop\"}]}";
    private static final String PASSWORD = "synth-lm-test";

    private final Path dir;
    private final Path conf;
    private final String nginx;
    private final SSLContext trust;
    private final int port;

    private TlsNginx(String nginx, Path dir, Path conf, SSLContext trust, int port) {
        this.nginx = nginx;
        this.dir = dir;
        this.conf = conf;
        this.trust = trust;
        this.port = port;
    }

    /** Starts nginx with {@code serverDirectives} added to its TLS server block. */
    static TlsNginx start(String serverDirectives) throws Exception {
        String nginx = findNginx();
        Path dir = Files.createTempDirectory("synth-lm-nginx");
        SSLContext trust = makeCertificate(dir);
        for (int tries = 0; ; tries++) {
            int port = freePort();
            Path conf = writeConfig(dir, port, serverDirectives);
            Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", conf.toString(), "-e",
                    dir.resolve("error.log").toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("start.log").toFile()).start();
            // With "daemon on" nginx returns once its master has bound the port, so no wait for readiness is needed.
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return new TlsNginx(nginx, dir, conf, trust, port);
            }
            p.destroyForcibly();
            String log = Files.readString(dir.resolve("start.log"));
            if (tries == 2 || !log.contains("Address already in use")) {
                throw new IllegalStateException("nginx did not start: " + log);
            }
        }
    }

    /** The base URL, {@code https://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return "https://127.0.0.1:" + port + "/v1";
    }

    /** An SSL context that trusts this server's certificate (and nothing else). */
    SSLContext trust() {
        return trust;
    }

    @Override
    public void close() throws Exception {
        Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", conf.toString(), "-e",
                dir.resolve("error.log").toString(), "-s", "stop").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private static String findNginx() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String message = "nginx is not installed (looked in /usr/sbin, /usr/local/sbin, /usr/bin); install it, e.g."
                + " apt-get install nginx, to run the HTTP/2 tests";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI=true, where .ci/run installs it)");
        }
        assumeTrue(false, message);
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A self-signed EC certificate for 127.0.0.1 and localhost, written as PEM for nginx; a context trusting it. */
    private static SSLContext makeCertificate(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = keys.getCertificate("server");
        Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY",
                keys.getKey("server", PASSWORD.toCharArray()).getEncoded()));
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Path writeConfig(Path dir, int port, String serverDirectives) throws IOException {
        Path conf = dir.resolve("nginx.conf");
        String d = dir.toString();
        Files.writeString(conf, String.join("\n",
                "worker_processes 1;",
                "daemon on;",
                "pid " + d + "/nginx.pid;",
                "events { worker_connections 4096; }",
                "http {",
                "    access_log off;",
                "    keepalive_requests 1000000;", // no GOAWAY after nginx's default 1,000 requests per connection
                "    client_body_temp_path " + d + "/body;",
                "    proxy_temp_path " + d + "/proxy;",
                "    fastcgi_temp_path " + d + "/fastcgi;",
                "    uwsgi_temp_path " + d + "/uwsgi;",
                "    scgi_temp_path " + d + "/scgi;",
                "    server {",
                "        listen 127.0.0.1:" + port + " ssl http2;",
                "        ssl_certificate " + d + "/cert.pem;",
                "        ssl_certificate_key " + d + "/key.pem;",
                "        " + serverDirectives,
                "        location = /v1/chat/completions {",
                "            default_type application/json;",
                "            return 200 '" + COMPLETION + "';",
                "        }",
                "    }",
                "}", ""));
        return conf;
    }
}
