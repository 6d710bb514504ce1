package ai.synth.lm.testserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a chat answer as server-sent events over a chunked {@code text/event-stream} response, one HTTP
 * chunk per event, with a delay between events, and breaks the stream as a stream fault says.
 */
final class SseStream {

    private static final int STALL_AFTER_EVENTS = 2;

    private final Exchange exchange;
    private final Duration delay;
    private int sent;

    SseStream(Exchange exchange, Duration delay) {
        this.exchange = exchange;
        this.delay = delay;
    }

    /**
     * Sends the {@code data:} payloads, then {@code data: [DONE]}, unless {@code fault} (null for none)
     * says otherwise.
     */
    void send(List<String> payloads, Fault fault) throws IOException, InterruptedException {
        List<String> events = new ArrayList<>(payloads);
        events.add("[DONE]");
        Fault.Kind kind = fault == null ? null : fault.kind();
        if (kind == Fault.Kind.STREAM_NO_DONE) {
            exchange.closeAfterResponse();
        }
        exchange.startChunked(200, "text/event-stream");
        if (kind == null) {
            sendFirst(events, events.size());
            exchange.finishChunks();
            return;
        }
        sendBroken(events, fault);
    }

    private void sendBroken(List<String> events, Fault fault) throws IOException, InterruptedException {
        switch (fault.kind()) {
            case STREAM_STALL:
                sendFirst(events, STALL_AFTER_EVENTS);
                exchange.awaitClientGone();
                return;
            case STREAM_DISCONNECT:
                sendFirst(events, fault.count());
                exchange.abort();
                return;
            case STREAM_ERROR_EVENT:
                sendFirst(events, 1);
                String error = Json.string(ApiError.body(fault.message(), "server_error", null, null));
                write("event: error\ndata: " + error + "\n\n");
                exchange.finishChunks();
                return;
            case STREAM_MALFORMED_CHUNK:
                sendFirst(events, 1);
                write("data: {\"id\": \n\n");
                exchange.finishChunks();
                return;
            case STREAM_NO_DONE:
                sendFirst(events, events.size() - 1);
                exchange.finishChunks();
                return;
            default:
                throw new IllegalStateException("not a stream fault: " + fault);
        }
    }

    private void sendFirst(List<String> events, int count) throws IOException, InterruptedException {
        for (String event : events.subList(0, Math.min(count, events.size()))) {
            write("data: " + event + "\n\n");
        }
    }

    private void write(String event) throws IOException, InterruptedException {
        if (sent++ > 0) {
            Pause.sleep(delay);
        }
        exchange.writeChunk(event.getBytes(StandardCharsets.UTF_8));
    }
}
