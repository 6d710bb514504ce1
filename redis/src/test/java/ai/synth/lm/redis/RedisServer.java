package ai.synth.lm.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, installed by {@code .ci/install-redis}) on a free loopback port,
 * without persistence, for one test class. It can be stopped and started again on the same port.
 */
final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static RedisServer start() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/redis-server"))
                || Files.isExecutable(Path.of("/usr/local/bin/redis-server"));
        if (!installed && !"true".equals(System.getenv("CI"))) {
            org.junit.jupiter.api.Assumptions.abort("redis-server is not installed (.ci/install-redis, or apt-get"
                    + " install redis-server); the Redis tests are skipped outside CI");
        }
        Path dir = Files.createTempDirectory("synth-lm-redis");
        for (int tries = 0; ; tries++) {
            RedisServer server = new RedisServer(freePort(), dir);
            try {
                server.startAgain();
                return server;
            } catch (IllegalStateException e) { // the port was taken between probing and binding
                if (tries == 4) {
                    throw e;
                }
            }
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Starts the server on its port and waits until it answers PING. */
    void startAgain() throws Exception {
        String binary = Files.isExecutable(Path.of("/usr/bin/redis-server")) ? "/usr/bin/redis-server" : "redis-server";
        ProcessBuilder pb = new ProcessBuilder(List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new AssertionError("redis-server is not installed; run .ci/install-redis (apt-get install"
                    + " redis-server)", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis-"
                        + port + ".log")));
            }
            if (pings()) {
                return;
            }
            Thread.sleep(10); // waiting for another process to listen: nothing to be notified by
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 10 s");
    }

    /** Stops the server (SIGKILL, as a crash would) and waits until it is gone. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    private boolean pings() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
