package ai.synth.lm.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs running {@link Child}: the java of {@code java.home} with this test's class path. Each prints
 * {@code ready} when set up and waits for a {@code go} line, so that all start together; its other lines are
 * results the test reads.
 */
final class Jvms implements AutoCloseable {

    private final List<Process> processes = new ArrayList<>();
    private final List<BlockingQueue<String>> lines = new ArrayList<>();

    /** Starts {@code n} children with these arguments, and waits until each says ready. */
    static Jvms start(int n, String... args) throws Exception {
        Jvms jvms = new Jvms();
        try {
            for (int i = 0; i < n; i++) {
                jvms.launch(args);
            }
            for (int i = 0; i < n; i++) {
                String line = jvms.next(i, 180); // generous: a loaded CI machine starts eight JVMs slowly
                if (!"ready".equals(line)) {
                    throw new AssertionError("child " + i + " said '" + line + "' instead of ready");
                }
            }
            return jvms;
        } catch (Exception | AssertionError e) {
            jvms.close();
            throw e;
        }
    }

    private void launch(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xss512k", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Child.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    queue.add(line);
                }
            } catch (IOException ignored) {
                // the child ended
            }
            queue.add("<exit>");
        });
        reader.setDaemon(true);
        reader.start();
        processes.add(p);
        lines.add(queue);
    }

    /** Tells every child to go with this argument. */
    void go(String argument) throws IOException {
        for (Process p : processes) {
            Writer w = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go " + argument + "\n");
            w.flush();
        }
    }

    /** The next line child {@code i} printed, waiting at most {@code seconds}. */
    String next(int i, int seconds) throws InterruptedException {
        String line = lines.get(i).poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("child " + i + " printed nothing within " + seconds + " s");
        }
        return line;
    }

    int size() {
        return processes.size();
    }

    Process process(int i) {
        return processes.get(i);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
