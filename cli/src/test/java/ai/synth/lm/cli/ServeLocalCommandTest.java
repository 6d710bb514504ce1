package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ServeLocalCommandTest {

    /** Output that signals once the banner is flushed, so the test waits for the server, not for a clock. */
    private static final class Banner extends StringWriter {
        final CountDownLatch printed = new CountDownLatch(1);

        @Override
        public void flush() {
            if (toString().contains("Ctrl-C")) {
                printed.countDown();
            }
        }
    }

    @Test
    void servesUntilInterruptedAndPrintsHowToPointAtIt() throws Exception {
        Banner out = new Banner();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CliEnvironment env = CliEnvironment.of(Map.of(), new ByteArrayInputStream(new byte[0]));
        Thread server = new Thread(() -> exitCode.set(Main.execute(env, new PrintWriter(out),
                new PrintWriter(new StringWriter()), "serve-local", "--port", "0", "--api-key", "k1",
                "--cold-start", "0")));
        server.start();
        assertThat(out.printed.await(10, TimeUnit.SECONDS)).as(out.toString()).isTrue();

        Matcher url = Pattern.compile("SYNTH_BASE_URL=(\\S+)").matcher(out.toString());
        assertThat(url.find()).isTrue();
        assertThat(out.toString()).contains("simulator", "SYNTH_API_KEY=k1", "OPENAI_BASE_URL=" + url.group(1) + "/v1");
        Run chat = Run.of(Map.of("SYNTH_BASE_URL", url.group(1), "SYNTH_API_KEY", "k1"), "chat", "ping");
        assertThat(chat.exitCode()).isZero();
        assertThat(chat.out()).contains("you said \"ping\"");

        server.interrupt();
        server.join(10_000);
        assertThat(exitCode).hasValue(0);
        HttpRequest models = HttpRequest.newBuilder(URI.create(url.group(1) + "/v1/models")).build();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(models, HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void negativeColdStartIsAUsageError() throws IOException {
        Run run = Run.of(Map.of(), "serve-local", "--port", "0", "--cold-start", "-2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("--cold-start must not be negative");
    }

    @Test
    void startsSeveralBackendsAndPrintsARouterConfigThatChatCanUse(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Banner out = new Banner();
        AtomicInteger exitCode = new AtomicInteger(-1);
        CliEnvironment env = CliEnvironment.of(Map.of(), new ByteArrayInputStream(new byte[0]));
        Thread server = new Thread(() -> exitCode.set(Main.execute(env, new PrintWriter(out),
                new PrintWriter(new StringWriter()), "serve-local", "--port", "0", "--api-key", "k1",
                "--cold-start", "0", "--backends", "3", "--fail", "1=503", "--fail", "2=429")));
        server.start();
        assertThat(out.printed.await(10, TimeUnit.SECONDS)).as(out.toString()).isTrue();

        String banner = out.toString();
        assertThat(banner).contains("1: http://127.0.0.1:", "(answers HTTP 503)", "(answers HTTP 429)", "3: http://");
        String yaml = banner.substring(banner.indexOf("model_list:"), banner.indexOf("Press Ctrl-C"));
        java.nio.file.Path config = java.nio.file.Files.writeString(dir.resolve("router.yaml"), yaml);
        for (int i = 0; i < 3; i++) {
            Run chat = Run.of(Map.of(), "chat", "--config", config.toString(), "--model", "chat", "ping " + i);
            assertThat(chat.exitCode()).as(chat.err()).isZero();
            assertThat(chat.out()).contains("you said \"ping " + i + "\"");
        }

        server.interrupt();
        server.join(10_000);
        assertThat(exitCode).hasValue(0);
    }

    @Test
    void failNeedsAStartedBackendAndAnErrorStatus() throws IOException {
        Run run = Run.of(Map.of(), "serve-local", "--port", "0", "--backends", "2", "--fail", "3=503");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("--fail 3=503 needs a backend from 1 to 2");
    }
}
