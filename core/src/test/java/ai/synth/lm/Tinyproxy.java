package ai.synth.lm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Debian's {@code tinyproxy}, started on a free loopback port with a config of its own and stopped by
 * {@link #close()}: the real HTTP proxy the proxy tests go through. Without the binary the tests are skipped, except
 * under CI ({@code CI=true}), where {@code .ci/run} installs it and its absence fails them.
 */
final class Tinyproxy implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/tinyproxy");

    private final Path dir;
    private final Process process;
    private final int port;

    /** Starts a proxy; with a user and password it asks every client for them (Basic). */
    Tinyproxy(String user, String password) throws IOException {
        boolean present = Files.isExecutable(BINARY);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("tinyproxy is missing; .ci/run installs it (apt-get install tinyproxy)");
        }
        assumeTrue(present, "tinyproxy is not installed (apt-get install tinyproxy); proxy tests skipped");
        this.port = freePort();
        this.dir = Files.createTempDirectory("synth-lm-tinyproxy");
        String config = "Port " + port + "\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\nMaxClients 100\n"
                + "LogFile \"" + dir.resolve("tinyproxy.log") + "\"\nLogLevel Info\n"
                + (user == null ? "" : "BasicAuth " + user + " " + password + "\n");
        Path file = dir.resolve("tinyproxy.conf");
        Files.writeString(file, config);
        this.process = new ProcessBuilder(BINARY.toString(), "-d", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
        awaitListening();
    }

    int port() {
        return port;
    }

    /** The proxy URL, e.g. for {@code HTTPS_PROXY}. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** What the proxy logged so far: each request line it received among other lines. */
    String log() throws IOException {
        Path log = dir.resolve("tinyproxy.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("tinyproxy exited at start: " + Files.readString(dir.resolve("stdout.txt")));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a child process starting up: no event to wait on
            }
        }
        close();
        throw new IOException("tinyproxy did not start listening on port " + port + " within 10 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
