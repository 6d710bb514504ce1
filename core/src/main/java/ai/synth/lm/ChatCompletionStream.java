package ai.synth.lm;

import ai.synth.lm.internal.ChunkStream;
import ai.synth.lm.internal.Futures;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
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
 * Iteration blocks until the next chunk arrives, and never longer than the configured first-byte, idle and stream
 * timeouts. A stream that breaks, times out or reports an error throws the {@link SynthLMException} from
 * {@code hasNext()}; one that ends early never passes for a whole answer. It can be iterated once. Reading it
 * from one thread at a time is required; {@link #close()} may be called from any thread.
 */
public final class ChatCompletionStream implements AutoCloseable, Iterable<ChatCompletionChunk> {

    private static final int BATCH = 32;
    private static final Object COMPLETE = new Object();
    private static final Object CLOSED = new Object();

    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final AtomicBoolean iterated = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Flow.Subscription subscription;

    ChatCompletionStream(ChunkStream chunks) {
        chunks.subscribe(new Flow.Subscriber<ChatCompletionChunk>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(BATCH);
            }

            @Override
            public void onNext(ChatCompletionChunk chunk) {
                signals.add(chunk);
            }

            @Override
            public void onError(Throwable t) {
                signals.add(t);
            }

            @Override
            public void onComplete() {
                signals.add(COMPLETE);
            }
        });
        try {
            Futures.await(chunks.opened()); // errors before the first byte surface here, after their retries
        } catch (RuntimeException e) {
            close();
            throw e;
        }
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
            private Object next;
            private boolean finished;
            private int consumed;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                if (finished || closed.get()) { // chunks buffered before close() are not handed out after it
                    finished = true;
                    return false;
                }
                Object signal = take();
                if (signal == COMPLETE || signal == CLOSED) {
                    finished = true;
                    return false;
                }
                if (signal instanceof Throwable t) {
                    finished = true;
                    if (t instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(t);
                }
                next = signal;
                return true;
            }

            @Override
            public ChatCompletionChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ChatCompletionChunk chunk = (ChatCompletionChunk) next;
                next = null;
                if (++consumed == BATCH / 2) {
                    consumed = 0;
                    Flow.Subscription s = subscription;
                    if (s != null) {
                        s.request(BATCH / 2);
                    }
                }
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

    private Object take() {
        try {
            return signals.take();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the stream; it was closed", e);
        }
    }

    /**
     * Stops reading and releases the connection; iteration then ends, also when chunks were already buffered, and a
     * reader waiting for the next chunk on another thread wakes up. Idempotent; any thread.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            signals.add(CLOSED);
        }
    }
}
