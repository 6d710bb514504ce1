package ai.synth.lm.testserver;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Serves the requests of one keep-alive connection in turn until the client or the handler ends it. Any
 * failure ends only this connection, never the server.
 */
final class HttpConnection implements Runnable {

    /** Answers one request; may block (faults, cold starts) and is interrupted when the backend closes. */
    interface Handler {
        void handle(HttpRequest request, Exchange exchange) throws IOException, InterruptedException;
    }

    private final Socket socket;
    private final Handler handler;
    private final Runnable onClose;

    HttpConnection(Socket socket, Handler handler, Runnable onClose) {
        this.socket = socket;
        this.handler = handler;
        this.onClose = onClose;
    }

    @Override
    public void run() {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            serve(in, out);
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage we could not even answer: drop this connection only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the backend is closing
        } finally {
            onClose.run();
        }
    }

    private void serve(InputStream in, OutputStream out) throws IOException, InterruptedException {
        HttpRequestParser parser = new HttpRequestParser(in);
        boolean keepAlive = true;
        while (keepAlive && !socket.isClosed()) {
            HttpRequest request;
            try {
                request = parser.readHead();
                if (request == null) {
                    return;
                }
                if ("100-continue".equalsIgnoreCase(request.header("expect"))) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                request = request.withBody(parser.readBody(request));
            } catch (ApiError badRequest) {
                Exchange exchange = new Exchange(socket, in, out, false);
                exchange.respondJson(badRequest.status(), badRequest.toJson());
                return;
            }
            keepAlive = answer(request, new Exchange(socket, in, out, request.keepAlive()));
        }
    }

    private boolean answer(HttpRequest request, Exchange exchange) throws IOException, InterruptedException {
        try {
            handler.handle(request, exchange);
        } catch (RuntimeException bug) {
            if (!exchange.headSent()) {
                exchange.closeAfterResponse();
                ApiError error = new ApiError(500, "The synth-lm local backend failed: " + bug,
                        "server_error", null, null);
                exchange.respondJson(500, error.toJson());
            }
            return false;
        }
        return exchange.keepAlive();
    }
}
