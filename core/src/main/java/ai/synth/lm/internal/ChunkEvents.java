package ai.synth.lm.internal;

import ai.synth.lm.ApiException;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.InvalidResponseException;
import ai.synth.lm.SynthLMException;
import ai.synth.lm.internal.wire.ChunkCodec;
import ai.synth.lm.internal.wire.SseException;
import ai.synth.lm.internal.wire.SseParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * What the bytes of a chat completion stream mean: SSE events become chunks, {@code data: [DONE]} the end, an
 * {@code event: error} or an error object a typed failure, and a body that ends before every choice finished an
 * incomplete answer, never a silently shortened one. Not thread-safe: fed from the body's serialized callbacks.
 */
final class ChunkEvents {

    /** Where the meaning goes. */
    interface Sink {
        /** Any event arrived: the stream is not idle. */
        void progress();

        /** A chunk to hand on. */
        void chunk(ChatCompletionChunk chunk);

        /** {@code [DONE]}, or a body that ended after every choice finished. */
        void done();

        /** The stream failed. */
        void fail(SynthLMException e);
    }

    private static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final ProviderSettings s;
    private final Failures failures;
    private final Sink sink;
    private final SseParser parser = new SseParser(this::onEvent, MAX_EVENT_BYTES);
    /** The previous chunk's repeated fields, whose strings the next chunk shares. */
    private final ChunkCodec.Repeats repeats = new ChunkCodec.Repeats();
    private final Set<Integer> seen = new HashSet<>();
    private final Set<Integer> finished = new HashSet<>();
    private boolean ended;
    private int chunks;
    private int attempts;

    ChunkEvents(ProviderSettings settings, Sink sink) {
        this.s = settings;
        this.failures = new Failures(settings);
        this.sink = sink;
    }

    /** How many attempts opened the stream, for messages. */
    void attempts(int attempts) {
        this.attempts = attempts;
    }

    /** How many chunks were handed on. */
    int chunks() {
        return chunks;
    }

    /** The next bytes of the body. */
    void feed(ByteBuffer buffer) {
        if (ended) {
            return;
        }
        try {
            parser.feed(buffer);
        } catch (SseException e) {
            fail(invalid(e.getMessage(), e));
        }
    }

    /** The body ended: a last event without its blank line counts if whole; an unfinished answer fails. */
    void end() {
        if (ended) {
            return;
        }
        try {
            parser.finish();
        } catch (SseException e) {
            fail(invalid(e.getMessage(), e));
            return;
        }
        if (ended) {
            return;
        }
        if (!finished.isEmpty() && finished.containsAll(seen)) {
            ended = true;
            sink.done(); // closed without [DONE] after every choice's finish chunk: a normal end
        } else {
            fail(new ConnectionException("The " + s.provider() + " stream ended after " + chunks
                    + " chunks without finishing (no [DONE], and " + (finished.isEmpty() ? "no finish_reason"
                    : "no finish_reason for choice " + unfinished()) + "): the answer is incomplete", null,
                    s.provider(), attempts));
        }
    }

    /** The failure for a body that broke off with an I/O error. */
    SynthLMException broken(Throwable t) {
        return t instanceof SynthLMException e ? e : new ConnectionException("The " + s.provider()
                + " stream broke after " + chunks + " chunks: " + t.getMessage()
                + ". Streams are not retried once they have started.", t, s.provider(), attempts);
    }

    private void onEvent(String event, byte[] data, int length, String id) {
        if (ended) {
            return;
        }
        sink.progress();
        if (isDone(data, length)) {
            ended = true;
            sink.done();
            return;
        }
        ChatCompletionChunk chunk;
        try {
            chunk = ChunkCodec.read(data, length, repeats);
        } catch (IOException | RuntimeException e) {
            if ("error".equals(event)) {
                fail(streamError(new String(data, 0, length, StandardCharsets.UTF_8)));
            } else {
                fail(invalid("chunk " + (chunks + 1) + " is not valid JSON (" + e.getMessage() + ")", e));
            }
            return;
        }
        if ("error".equals(event) || (chunk.choices().isEmpty() && chunk.additionalProperties().containsKey("error"))) {
            fail(streamError(Failures.messageOf(chunk.additionalProperties())));
            return;
        }
        chunks++;
        for (ChatCompletionChunk.Choice c : chunk.choices()) {
            seen.add(c.index());
            if (c.finishReason() != null) {
                finished.add(c.index());
            }
        }
        sink.chunk(chunk);
    }

    private void fail(SynthLMException e) {
        ended = true;
        sink.fail(e);
    }

    private Integer unfinished() {
        return seen.stream().filter(i -> !finished.contains(i)).sorted().findFirst().orElse(null);
    }

    private ApiException streamError(String message) {
        String text = message == null ? "(no message)" : failures.scrub(message);
        return new ApiException(s.provider() + " sent an error in the middle of the stream after " + chunks
                + " chunks: " + text, s.provider(), 200, text, null, attempts);
    }

    private InvalidResponseException invalid(String what, Throwable cause) {
        // a parser's message may quote a bad token: an echoed key
        return new InvalidResponseException("The " + s.provider() + " stream is malformed: " + failures.scrub(what),
                failures.keyFreeCause(cause), s.provider(), 200, null, attempts);
    }

    private static boolean isDone(byte[] data, int length) {
        int start = 0, end = length;
        while (start < end && data[start] == ' ') {
            start++;
        }
        while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\r')) {
            end--;
        }
        if (end - start != DONE.length) {
            return false;
        }
        for (int i = 0; i < DONE.length; i++) {
            if (data[start + i] != DONE[i]) {
                return false;
            }
        }
        return true;
    }
}
