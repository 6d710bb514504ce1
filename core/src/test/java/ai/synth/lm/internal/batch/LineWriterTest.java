package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LineWriterTest {

    /** An in-memory channel taking at most {@code most} bytes a write; the n-th write ({@code failAt}) fails. */
    private static final class Channel implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int most;
        final int failAt;
        int writes;
        volatile CountDownLatch entered;
        volatile CountDownLatch release;

        Channel(int most, int failAt) {
            this.most = most;
            this.failAt = failAt;
        }

        @Override
        public synchronized int write(ByteBuffer src) throws IOException {
            if (++writes == failAt) {
                throw new IOException("no space left on device");
            }
            if (release != null) {
                entered.countDown();
                await(release);
            }
            int n = Math.min(most, src.remaining());
            byte[] part = new byte[n];
            src.get(part);
            bytes.write(part, 0, n);
            return n;
        }

        synchronized int size() {
            return bytes.size();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] line(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesFromManyThreadsEachEndWholeAndOnceAndTheirOwnersHearOnlyAfterwards() throws Exception {
        Channel channel = new Channel(1000, 0);
        LineWriter writer = new LineWriter(channel);
        ConcurrentHashMap<String, Integer> sizeWhenTold = new ConcurrentHashMap<>();
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    String text = "{\"t\":" + thread + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 300) + "\"}";
                    writer.append(line(text), failure -> {
                        if (failure != null || sizeWhenTold.put(text, channel.size()) != null) {
                            failed.add(text);
                        }
                    });
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        writer.flush();

        assertThat(failed).isEmpty();
        String all = channel.text();
        sizeWhenTold.forEach((text, size) -> assertThat(all.indexOf(text + "\n") + text.length() + 1)
                .as("the end of %s, within what the channel held when its owner heard", text).isLessThanOrEqualTo(size));
        String[] lines = all.split("\n", -1);
        assertThat(lines).hasSize(8 * 2_000 + 1);
        assertThat(lines[lines.length - 1]).isEmpty();
        assertThat(new java.util.HashSet<>(List.of(lines).subList(0, lines.length - 1))).hasSize(8 * 2_000);
        assertThat(channel.writes).isLessThan(8 * 2_000 * 3); // lines go out together, partial writes or not
    }

    @Test
    void aThreadFindingAWriteUnderWayLeavesItsLineToThatWriteAndGoesOn() throws Exception {
        Channel channel = new Channel(Integer.MAX_VALUE, 0);
        channel.entered = new CountDownLatch(1);
        channel.release = new CountDownLatch(1);
        LineWriter writer = new LineWriter(channel);
        CompletableFuture<String> first = new CompletableFuture<>();
        Thread slow = new Thread(() -> writer.append(line("first"), e -> first.complete(Thread.currentThread()
                .getName())), "slow-writer");
        slow.start();
        await(channel.entered);

        CompletableFuture<String> second = new CompletableFuture<>();
        writer.append(line("second"), e -> second.complete(Thread.currentThread().getName()));

        assertThat(second).isNotDone(); // returned without waiting, its line not yet written
        channel.release.countDown();
        slow.join();
        assertThat(first.get()).isEqualTo("slow-writer");
        assertThat(second.get()).isEqualTo("slow-writer");
        assertThat(channel.text()).isEqualTo("first\nsecond\n");
    }

    @Test
    void afterAFailedWriteThatWritesLinesAndEveryLaterOneAreToldTheFailureAndNothingMoreIsWritten() {
        Channel channel = new Channel(Integer.MAX_VALUE, 2);
        LineWriter writer = new LineWriter(channel);
        List<IOException> told = new ArrayList<>();
        Consumer<IOException> tell = told::add;
        writer.append(line("one"), tell);
        writer.append(line("two"), tell);
        writer.append(line("three"), tell);

        assertThat(told).hasSize(3);
        assertThat(told.get(0)).isNull();
        assertThat(told.get(1)).hasMessage("no space left on device");
        assertThat(told.get(2)).isSameAs(told.get(1));
        assertThat(channel.text()).isEqualTo("one\n");
        assertThat(channel.writes).isEqualTo(2);
        assertThatThrownBy(() -> writer.appendAndWait(line("four"))).isInstanceOf(IOException.class)
                .hasMessage("no space left on device");
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWholeInItsPlace() throws IOException {
        Channel channel = new Channel(10_000, 0);
        LineWriter writer = new LineWriter(channel);
        String huge = "{\"content\":\"" + "y".repeat(LineWriter.BUFFER * 2) + "\"}";
        List<String> order = new ArrayList<>();
        writer.append(line("before"), e -> order.add("before"));
        writer.append(line(huge), e -> order.add("huge"));
        writer.appendAndWait(line("after"));

        assertThat(channel.text()).isEqualTo("before\n" + huge + "\nafter\n");
        assertThat(order).containsExactly("before", "huge");
    }

    @Test
    void everyOwnerIsToldOnceEvenWhenACallbackThrows() {
        Channel channel = new Channel(Integer.MAX_VALUE, 0);
        LineWriter writer = new LineWriter(channel);
        ConcurrentHashMap<String, Integer> told = new ConcurrentHashMap<>();
        writer.append(line("a"), e -> {
            told.merge("a", 1, Integer::sum);
            throw new IllegalStateException("a listener bug");
        });
        writer.append(line("b"), e -> told.merge("b", 1, Integer::sum));

        assertThat(told).containsEntry("a", 1).containsEntry("b", 1);
        assertThat(channel.text()).isEqualTo("a\nb\n");
    }
}
