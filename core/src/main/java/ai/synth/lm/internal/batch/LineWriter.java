package ai.synth.lm.internal.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends lines to a channel from many threads without any of them waiting for another. A line is queued; the thread
 * that finds no write under way takes the writer's part and hands everything queued to the channel in as few writes
 * as fit its buffer, then tells each line's owner that its line is written. A thread that finds a write under way
 * leaves its line to that write and goes on, so a writer descheduled in the middle of a write holds up only the
 * lines behind it, never the threads that made them.
 *
 * <p>A line's owner is told only once the whole line was handed to the channel, or with the failure that stopped
 * it. After a failed write nothing more is written (a half-written line may end the file, and only the last line can
 * be repaired); every later line is told that failure.
 */
final class LineWriter {

    private static final Logger log = LoggerFactory.getLogger(LineWriter.class);
    static final int BUFFER = 64 * 1024;

    private record Line(byte[] json, Consumer<IOException> written) {}

    private final WritableByteChannel channel;
    private final ConcurrentLinkedQueue<Line> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    // the fields below are touched only by the thread holding `writing`
    private final List<Line> batch = new ArrayList<>();
    private ByteBuffer buffer;
    private IOException failed;

    LineWriter(WritableByteChannel channel) {
        this.channel = channel;
    }

    /**
     * Queues {@code json} (one line, without its newline) and writes it now unless a write is under way, which then
     * writes it. {@code written} is told, on whichever thread wrote it, null once the line is handed to the
     * channel, or the failure that stopped it; it should not throw.
     */
    void append(byte[] json, Consumer<IOException> written) {
        queue(json, written);
        drain();
    }

    /**
     * Queues {@code json} (one line, without its newline) without writing it: the next {@link #drain()}, by any
     * thread, writes it. The caller must see that one runs.
     */
    void queue(byte[] json, Consumer<IOException> written) {
        queue.add(new Line(json, written));
    }

    /**
     * Appends {@code json} and waits until it is written.
     *
     * @throws IOException if it could not be written
     */
    void appendAndWait(byte[] json) throws IOException {
        CompletableFuture<IOException> done = new CompletableFuture<>();
        append(json, done::complete);
        IOException failure = done.join();
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
    }

    /** Waits until every line queued so far is written (or failed), writing them itself when no one else is. */
    void flush() {
        while (writing.get() || !queue.isEmpty()) {
            drain();
            Thread.yield();
        }
    }

    /**
     * Writes the queued lines: takes the writer's part while lines are queued and no one has it. The queue is read
     * again after the part is let go, so a line queued by a thread that saw the part taken is never left behind.
     */
    void drain() {
        while (!queue.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                writeQueued();
            } finally {
                writing.set(false);
            }
        }
    }

    private void writeQueued() {
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(BUFFER);
        }
        Line line;
        while ((line = queue.poll()) != null) {
            if (failed == null && line.json.length + 1 > buffer.remaining()) {
                writeBatch();
            }
            if (failed != null) {
                tell(line, failed);
            } else if (line.json.length + 1 > buffer.capacity()) {
                writeAlone(line);
            } else {
                buffer.put(line.json).put((byte) '\n');
                batch.add(line);
            }
        }
        writeBatch();
    }

    private void writeBatch() {
        if (batch.isEmpty()) {
            return;
        }
        buffer.flip();
        IOException failure = write(buffer);
        buffer.clear();
        for (Line line : batch) {
            tell(line, failure);
        }
        batch.clear();
    }

    /** A line longer than the buffer, written from its own array. */
    private void writeAlone(Line line) {
        ByteBuffer whole = ByteBuffer.allocate(line.json.length + 1).put(line.json).put((byte) '\n').flip();
        tell(line, write(whole));
    }

    private IOException write(ByteBuffer bytes) {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            failed = e instanceof IOException io ? io : new IOException(e);
            return failed;
        }
    }

    private static void tell(Line line, IOException failure) {
        try {
            line.written.accept(failure);
        } catch (RuntimeException e) {
            log.warn("A written line's callback failed; the writing goes on", e);
        }
    }
}
