package ai.synth.lm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.internal.ChunkStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backpressure, seen from both sides: a scripted body publisher counts what the stream asks the network for, and a
 * subscriber controls its demand. Memory stays bounded because bytes are asked for only when the subscriber wants
 * chunks and none are waiting.
 */
class StreamBackpressureTest {

    private final SynthProvider provider = new SynthProvider(SynthConfig.builder().baseUrl("http://127.0.0.1:9")
            .apiKey("k").environment(Map.of()).scheduler(new RecordingScheduler()).build());

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void asksTheNetworkForMoreOnlyWhenTheSubscriberWantsChunksAndNoneAreWaiting() {
        Body body = new Body(100);
        StreamCancellationTest.Recorder subscriber = new StreamCancellationTest.Recorder(1);

        stream(body).subscribe(subscriber);

        assertThat(subscriber.signals).hasSize(2); // onSubscribe, one chunk
        assertThat(body.reads).isEqualTo(1); // one network read gave 100 chunks; 99 wait, nothing more is read
        subscriber.subscription.request(98);
        assertThat(subscriber.signals).hasSize(100);
        assertThat(body.reads).isEqualTo(1);
        subscriber.subscription.request(2); // the last waiting chunk, then one more read
        assertThat(subscriber.signals).hasSize(102);
        assertThat(body.reads).isEqualTo(2);
    }

    @Test
    void aSlowSubscriberBoundsWhatIsRead() {
        Body body = new Body(1);
        StreamCancellationTest.Recorder subscriber = new StreamCancellationTest.Recorder(3);

        stream(body).subscribe(subscriber);

        assertThat(body.reads).isEqualTo(3); // one event per read: exactly as many reads as chunks asked for
        assertThat(subscriber.signals).hasSize(4);
        subscriber.subscription.cancel();
        assertThat(body.cancelled).isTrue();
    }

    private ChunkStream stream(Body body) {
        return new ChunkStream(provider.engine,
                () -> CompletableFuture.completedFuture(new ChunkStream.Opened(body, 1)));
    }

    /** An endless body: each read (request of 1) delivers {@code eventsPerRead} events in one buffer, at once. */
    private static final class Body implements Flow.Publisher<List<ByteBuffer>> {
        private final byte[] buffer;
        int reads;
        boolean cancelled;

        Body(int eventsPerRead) {
            String event = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n";
            buffer = event.repeat(eventsPerRead).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    for (long i = 0; i < n && !cancelled; i++) {
                        reads++;
                        subscriber.onNext(List.of(ByteBuffer.wrap(buffer)));
                    }
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }
    }
}
