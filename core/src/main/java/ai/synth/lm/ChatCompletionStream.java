package ai.synth.lm;

import ai.synth.lm.internal.BlockingStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed chat completion, read on the calling thread. Close it (try-with-resources) to release the connection
 * early; breaking out of the loop and closing is enough.
 *
 * <pre>{@code
 * try (ChatCompletionStream stream = provider.streamChatCompletion(request)) {
 *     for (ChatCompletionChunk chunk : stream) {
 *         System.out.print(chunk.content());
 *     }
 * }
 * }</pre>
 *
 * Each step of the iteration reads the response body on the calling thread until the next chunk, with no thread
 * in between, and never waits longer than the configured first-byte, idle and stream timeouts. A stream that
 * breaks, times out or reports an error throws the {@link SynthLMException} from {@code hasNext()}; one that ends
 * early never passes for a whole answer. It can be iterated once. Reading it from one thread at a time is
 * required; {@link #close()} may be called from any thread, and ends the iteration.
 */
public final class ChatCompletionStream implements AutoCloseable, Iterable<ChatCompletionChunk> {

    private final Source chunks;
    private final AtomicBoolean iterated = new AtomicBoolean();

    ChatCompletionStream(BlockingStream chunks) {
        this(new Source() {
            @Override
            public ChatCompletionChunk next() {
                return chunks.next();
            }

            @Override
            public void close() {
                chunks.close();
            }
        });
    }

    ChatCompletionStream(Source chunks) {
        this.chunks = chunks;
    }

    /** Where the chunks come from: a connection, or another stream seen through a router. */
    interface Source {
        /** The next chunk, or null at the end. */
        ChatCompletionChunk next();

        /** Releases what the stream holds; idempotent. */
        void close();
    }

    /**
     * The chunks, in order, as they arrive. Single use.
     *
     * @throws IllegalStateException if called twice
     */
    @Override
    public Iterator<ChatCompletionChunk> iterator() {
        if (!iterated.compareAndSet(false, true)) {
            throw new IllegalStateException("A ChatCompletionStream can be iterated only once");
        }
        return new Iterator<>() {
            private ChatCompletionChunk next;
            private boolean finished;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (finished) {
                    return false;
                }
                try {
                    next = chunks.next();
                } catch (RuntimeException e) {
                    finished = true;
                    throw e;
                }
                finished = next == null;
                return !finished;
            }

            @Override
            public ChatCompletionChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ChatCompletionChunk chunk = next;
                next = null;
                return chunk;
            }
        };
    }

    /** The chunks as a {@link Stream}; closing the stream closes this. Single use. */
    public Stream<ChatCompletionChunk> stream() {
        Spliterator<ChatCompletionChunk> split = Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(split, false).onClose(this::close);
    }

    /** Reads the rest of the stream and merges it into one {@link ChatCompletion}. */
    public ChatCompletion toCompletion() {
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        for (ChatCompletionChunk chunk : this) {
            acc.accumulate(chunk);
        }
        return acc.result();
    }

    /** Stops reading and releases the connection. Idempotent; any thread. */
    @Override
    public void close() {
        chunks.close();
    }
}
