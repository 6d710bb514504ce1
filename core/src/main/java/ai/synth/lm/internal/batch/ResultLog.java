package ai.synth.lm.internal.batch;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only JSONL file of results. Each line goes to the operating system as soon as it is made, or as soon as
 * the thread it was queued for looks (lines made at the same moment by several threads in one write, see
 * {@link LineWriter} and {@link Slots}), and its owner hears of it only then, so
 * a killed process leaves every line it counted behind; a half-written last line (a crash in the middle of a write,
 * a full disk) is cut off when the file is opened again.
 */
final class ResultLog implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ResultLog.class);

    private final Path path;
    private final FileChannel channel;
    private final LineWriter writer;

    private ResultLog(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.writer = new LineWriter(channel);
    }

    /**
     * Opens the file for appending (creating it), repairs a half-written last line, and hands each complete line
     * already there, with its number, to {@code existing}.
     */
    static ResultLog open(Path path, BiConsumer<Long, String> existing) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            lock(path, channel);
            repair(path, channel);
            ResultLog result = new ResultLog(path, channel);
            channel.position(0);
            BufferedReader reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            String line;
            long lines = 0;
            while ((line = reader.readLine()) != null) {
                existing.accept(++lines, line);
            }
            channel.position(channel.size());
            return result;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Holds the file for this run alone: two runs appending to one output would each send the other's lines. */
    private static void lock(Path path, FileChannel channel) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException(path + " is being written by another batch run: wait for it to end, or give this"
                    + " run another output file");
        }
    }

    /** Cuts the file back to its last newline when it does not end with one. */
    private static void repair(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        long end = size;
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        while (end > 0) {
            long from = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - from));
            channel.read(chunk, from);
            chunk.flip();
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    long keep = from + i + 1;
                    if (keep < size) {
                        log.warn("{} ended in a half-written line ({} bytes); cut it off, its request runs again",
                                path, size - keep);
                        channel.truncate(keep);
                    }
                    return;
                }
            }
            end = from;
        }
        log.warn("{} held only a half-written line ({} bytes); cut it off", path, size);
        channel.truncate(0);
    }

    /**
     * Appends one line (without its newline) without waiting for another thread's write; {@code written} is told
     * null once the line is handed to the operating system, or the failure that stopped it.
     */
    void append(byte[] json, Consumer<IOException> written) {
        writer.append(json, written);
    }

    /** Queues one line (without its newline) for the next {@link #drain()}; see {@link LineWriter#queue}. */
    void queue(byte[] json, Consumer<IOException> written) {
        writer.queue(json, written);
    }

    /** Writes the queued lines, unless a write under way on another thread is writing them. */
    void drain() {
        writer.drain();
    }

    /**
     * Appends one line (without its newline) and returns once it is handed to the operating system.
     *
     * @throws IOException if it could not be written
     */
    void appendAndWait(byte[] json) throws IOException {
        writer.appendAndWait(json);
    }

    Path path() {
        return path;
    }

    /** Writes whatever lines are still queued, then closes the file. */
    @Override
    public void close() throws IOException {
        writer.flush();
        channel.close();
    }
}
