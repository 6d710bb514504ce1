package ai.synth.lm.testserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Plays the faults that replace or delay the whole response; stream faults are left to {@link SseStream}. */
final class FaultResponder {

    /** What a truncated completion looks like: valid up to the cut, then nothing. */
    static final byte[] TRUNCATED_JSON = "{\"id\":\"chatcmpl-local-truncated\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assis"
            .getBytes(StandardCharsets.UTF_8);
    /** The body length that {@link Fault#disconnectAfterHeaders()} and the mid-body faults announce but never send. */
    static final int ANNOUNCED_LENGTH = 512;

    private FaultResponder() {
    }

    /**
     * Adds the fault's headers to the response and plays the fault.
     *
     * @return true if the fault answered the request; false if normal handling should go on
     */
    static boolean play(Fault fault, Exchange exchange) throws IOException, InterruptedException {
        fault.headers().forEach(header -> exchange.addHeader(header.getKey(), header.getValue()));
        switch (fault.kind()) {
            case STATUS:
                exchange.respondJson(fault.status(), ApiError.simulated(fault.status()).toJson());
                return true;
            case BODY:
                exchange.respond(fault.status(), fault.contentType(), fault.body());
                return true;
            case MALFORMED_JSON:
                exchange.respond(200, "application/json", TRUNCATED_JSON);
                return true;
            case DISCONNECT_BEFORE_HEADERS:
                exchange.abort();
                return true;
            case DISCONNECT_AFTER_HEADERS:
                exchange.sendHeadThenDisconnect(200, "application/json", ANNOUNCED_LENGTH);
                return true;
            case DISCONNECT_MID_BODY:
                exchange.sendHeadAndPartOfBody(200, "application/json", ANNOUNCED_LENGTH, TRUNCATED_JSON);
                exchange.abort();
                return true;
            case BODY_STALL:
                exchange.sendHeadAndPartOfBody(200, "application/json", ANNOUNCED_LENGTH, TRUNCATED_JSON);
                exchange.awaitClientGone();
                return true;
            case REPLAY:
                exchange.startChunked(200, fault.contentType());
                exchange.writeChunk(fault.body());
                exchange.finishChunks();
                return true;
            case SLOW_HEADERS:
                Pause.sleep(fault.delay());
                return false;
            default:
                return false; // a stream fault: the chat endpoint applies it while streaming
        }
    }
}
