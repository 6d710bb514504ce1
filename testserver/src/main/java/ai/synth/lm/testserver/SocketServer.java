package ai.synth.lm.testserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Accepts connections on a loopback port and serves each on a daemon worker thread from a cached pool.
 * {@link #close()} stops accepting, closes every open connection and waits for every thread it started.
 */
final class SocketServer implements AutoCloseable {

    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** Deep enough for thousands of simultaneous connects; the kernel caps it at its somaxconn. */
    private static final int BACKLOG = 4096;
    private static final long ACCEPT_RETRY_MILLIS = 10;

    private final HttpConnection.Handler handler;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger workerNumber = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final ServerSocket serverSocket;
    private final SSLSocketFactory tls;
    private final ExecutorService workers;
    private final Thread acceptor;
    private boolean closed; // guarded by this, so no connection registers after close() looked

    /** A plain-http server; see {@link #SocketServer(int, HttpConnection.Handler, SSLContext)}. */
    SocketServer(int port, HttpConnection.Handler handler) throws IOException {
        this(port, handler, null);
    }

    /** A server on {@code port} (0: any free one) speaking TLS with {@code tls}'s certificate, or plain if null. */
    SocketServer(int port, HttpConnection.Handler handler, SSLContext tls) throws IOException {
        this.handler = handler;
        this.tls = tls == null ? null : tls.getSocketFactory();
        this.serverSocket = new ServerSocket();
        try {
            serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        } catch (IOException e) {
            serverSocket.close();
            throw e;
        }
        String prefix = threadNamePrefix(serverSocket.getLocalPort());
        this.workers = Executors.newCachedThreadPool(task ->
                newThread(task, prefix + "worker-" + workerNumber.incrementAndGet()));
        this.acceptor = newThread(this::acceptLoop, prefix + "accept");
        acceptor.start();
    }

    /** The prefix of the names of all threads a server on this port runs, e.g. for leak checks in tests. */
    static String threadNamePrefix(int port) {
        return "synth-lm-local-backend-" + port + "-";
    }

    /** How many connections were accepted since the start. */
    int acceptedConnections() {
        return accepted.get();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private Thread newThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.removeIf(old -> !old.isAlive()); // dead ones go here, so close() can join every live one
        threads.add(thread);
        return thread;
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = secure(serverSocket.accept());
                accepted.incrementAndGet();
                if (register(socket)) {
                    workers.execute(new HttpConnection(socket, handler, () -> connections.remove(socket)));
                }
            } catch (RejectedExecutionException | IOException e) {
                // closing ends the loop; any other failure (e.g. out of file descriptors) is retried
                pauseBeforeRetry();
            }
        }
    }

    private void pauseBeforeRetry() {
        if (!serverSocket.isClosed()) {
            try {
                Thread.sleep(ACCEPT_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The accepted socket, wrapped in TLS when this server speaks it; the handshake runs on the first read. */
    private Socket secure(Socket accepted) throws IOException {
        if (tls == null) {
            return accepted;
        }
        SSLSocket socket = (SSLSocket) tls.createSocket(accepted, null, accepted.getPort(), true);
        socket.setUseClientMode(false);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        socket.setSSLParameters(parameters);
        return socket;
    }

    private synchronized boolean register(Socket socket) throws IOException {
        if (closed) {
            socket.close();
            return false;
        }
        socket.setTcpNoDelay(true);
        connections.add(socket);
        return true;
    }

    @Override
    public void close() {
        List<Socket> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(connections);
        }
        closeQuietly(serverSocket);
        open.forEach(SocketServer::closeQuietly);
        workers.shutdownNow();
        awaitThreads();
    }

    private void awaitThreads() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        boolean interrupted = false;
        for (Thread thread : new ArrayList<>(threads)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (thread == Thread.currentThread() || left <= 0) {
                continue;
            }
            try {
                thread.join(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
