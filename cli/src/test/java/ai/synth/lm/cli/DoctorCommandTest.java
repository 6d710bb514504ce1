package ai.synth.lm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.testserver.Fault;
import ai.synth.lm.testserver.LocalBackend;
import ai.synth.lm.testserver.RecordedRequest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {

    private static final String KEY = "sk-local-doctor-7f3a";

    private LocalBackend backend;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        backend = LocalBackend.builder().apiKey(KEY).build().start();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void aWorkingSynthBackendPassesEveryCheckAndShowsWhereEachSettingCameFrom() throws Exception {
        Files.writeString(dir.resolve(".env"), "# local\nSYNTH_TIMEOUT=60\nSYNTH_API_KEY=${LOCAL_KEY}\n");

        Run run = Run.withDotenv(Map.of("SYNTH_BASE_URL", backend.baseUrl(), "LOCAL_KEY", KEY), dir, "doctor");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains(".env: " + dir.resolve(".env"))
                .containsPattern("LM_PROVIDER +synth +default")
                .contains("synth (the default provider)")
                .containsPattern("base URL +" + backend.baseUrl() + " +environment \\(SYNTH_BASE_URL\\)")
                .containsPattern("API key +\\*\\*\\*\\*7f3a +\\.env line 3 \\(SYNTH_API_KEY\\)")
                .containsPattern("timeout \\(s\\) +60 +\\.env line 2 \\(SYNTH_TIMEOUT\\)")
                .containsPattern("max retries +3 +default")
                .contains("ok    key accepted: GET /v1/models answered HTTP 200")
                .contains("ok    warmup endpoints: GET /warmup/status/Qwen/Qwen2.5-7B-Instruct answered HTTP 200"
                        + " (Qwen/Qwen2.5-7B-Instruct: cold)")
                .contains("skip  not configured", "Everything checked works.")
                .doesNotContain(KEY);
        RecordedRequest models = backend.requests().get(0);
        assertThat(models.method() + " " + models.path()).isEqualTo("GET /v1/models");
        assertThat(models.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(backend.requests().get(1).path()).isEqualTo("/warmup/status/Qwen/Qwen2.5-7B-Instruct");
    }

    @Test
    void aWrongKeyFailsWithTheFixAndExit1() {
        Run run = Run.of(Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", "sk-wrong-1234"), "doctor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  key accepted: GET /v1/models answered HTTP 401, the key was rejected")
                .contains("fix: The key is wrong or expired (it is never retried). Check SYNTH_API_KEY"
                        + " (or MODAL_API_KEY).")
                .containsPattern("API key +\\*\\*\\*\\*1234 +environment")
                .contains("1 check failed").doesNotContain("sk-wrong").doesNotContain("warmup endpoints");
        assertThat(backend.requests()).hasSize(1);
    }

    @Test
    void anUnreachablePortFailsBeforeAnyRequest() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed at once: nothing listens there any more
        }
        Run run = Run.of(Map.of("SYNTH_BASE_URL", "http://127.0.0.1:" + port, "SYNTH_API_KEY", KEY), "doctor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("ok    base URL parses: http, host 127.0.0.1, port " + port)
                .contains("ok    host 127.0.0.1 resolves to 127.0.0.1")
                .contains("FAIL  nothing answers on 127.0.0.1:" + port)
                .contains("fix: Check SYNTH_BASE_URL (or MODAL_BASE_URL): is the server running, and is the port"
                        + " right?")
                .doesNotContain("key accepted");
    }

    @Test
    void missingSettingsOfTheDefaultProviderFailWithTheTroubleshootingFix() {
        Run run = Run.of(Map.of(), "doctor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("base URL +\\(unset\\) +-")
                .contains("FAIL  configuration: SYNTH_BASE_URL not found in environment")
                .contains("fix: Create .env in the directory you run from with"
                        + " SYNTH_BASE_URL=https://your-synth-url.modal.run and SYNTH_API_KEY=your-api-key.");
    }

    @Test
    void aServerWithoutWarmupEndpointsIsNotASynthBackend() {
        backend.enqueueFor("/warmup/", Fault.status(404));

        Run run = Run.of(Map.of("SYNTH_BASE_URL", backend.baseUrl() + "/v1", "SYNTH_API_KEY", KEY), "doctor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("ok    key accepted: GET /v1/models answered HTTP 200 (0 models listed)")
                .contains("FAIL  warmup endpoints: GET /warmup/status/Qwen/Qwen2.5-7B-Instruct answered HTTP 404")
                .contains("use LM_PROVIDER=openai with OPENAI_BASE_URL");
    }

    @Test
    void openAiIsCheckedWhenItIsTheDefaultOrConfiguredAndHasNoWarmupCheck() {
        Run run = Run.of(Map.of("LM_PROVIDER", "openai", "OPENAI_BASE_URL", backend.baseUrl() + "/v1",
                "OPENAI_API_KEY", KEY), "doctor");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("LM_PROVIDER +openai +environment")
                .contains("openai (the default provider)", "ok    key accepted: GET /v1/models answered HTTP 200")
                .doesNotContain("warmup endpoints");
        assertThat(run.out().indexOf("skip")).isBetween(run.out().indexOf("synth\n"), run.out().indexOf("openai ("));
    }

    @Test
    void aRateLimitGetsTheRetriesFix() {
        backend.enqueueFor("/v1/models", Fault.rateLimited());
        Run limited = Run.of(Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", KEY), "doctor");
        assertThat(limited.exitCode()).isEqualTo(1);
        assertThat(limited.out()).contains("HTTP 429, rate limited", "allow more retries: SYNTH_MAX_RETRIES=5");
    }

    @Test
    void aTimeoutGetsTheTimeoutFix() {
        backend.enqueueFor("/v1/models", Fault.slowHeaders(Duration.ofSeconds(30))); // ended when the backend closes
        Run run = Run.of(Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", KEY, "SYNTH_TIMEOUT", "0.1"),
                "doctor");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  key accepted: GET /v1/models did not answer within 0.1 s")
                .contains("fix: Raise SYNTH_TIMEOUT (e.g. SYNTH_TIMEOUT=180)");
    }

    @Test
    void theBaseUrlFlagWinsAndIsShownAsTheOrigin() {
        Run run = Run.of(Map.of("SYNTH_BASE_URL", "http://127.0.0.1:1", "SYNTH_API_KEY", KEY), "doctor",
                "--provider", "synth", "--base-url", backend.baseUrl());

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).containsPattern("base URL +" + backend.baseUrl() + " +flag \\(--base-url\\)")
                .doesNotContain("openai");
    }

    @Test
    void badUsageExits2WithoutAnyRequest() {
        Map<String, String> env = Map.of("SYNTH_BASE_URL", backend.baseUrl(), "SYNTH_API_KEY", KEY);
        Run unknown = Run.of(env, "doctor", "--provider", "claude");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).singleElement().asString()
                .contains("--provider claude is not a known provider: use one of synth, openai");
        assertThat(Run.of(env, "doctor", "--base-url", backend.baseUrl()).exitCode()).isEqualTo(2);
        assertThat(Run.of(env, "doctor", "--bogus").exitCode()).isEqualTo(2);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void skippedDotenvLinesAreListedWithoutTheirText() throws Exception {
        Files.writeString(dir.resolve(".env"), "SYNTH_BASE_URL=" + backend.baseUrl() + "\nsk-secret-55 oops\n"
                + "SYNTH_API_KEY=" + KEY + "\n");

        Run run = Run.withDotenv(Map.of(), dir, "doctor");

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.out()).contains("warn  line 2: expected NAME=value (skipped; set SYNTH_DOTENV_STRICT=true")
                .doesNotContain("sk-secret-55");
    }

    @Test
    void anUnknownDefaultProviderIsAFailedCheck() {
        Run run = Run.of(Map.of("LM_PROVIDER", "claude"), "doctor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  LM_PROVIDER=claude is not a known provider",
                "fix: Use one of synth, openai.");
    }

    @Test
    void aDotenvThatStrictModeRefusesIsAFailedCheckWithoutItsText() throws Exception {
        Files.writeString(dir.resolve(".env"), "sk-secret-77 oops\n");

        Run run = Run.withDotenv(Map.of("SYNTH_DOTENV_STRICT", "true"), dir, "doctor");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .startsWith("FAIL  Could not read " + dir.resolve(".env") + ", line 1: expected NAME=value")
                .doesNotContain("sk-secret-77");
    }

    @Test
    void keysShowOnlyTheirLastFourCharactersAndShortOnesNone() {
        assertThat(DoctorProvider.mask("sk-abcdefgh1234")).isEqualTo("****1234");
        assertThat(DoctorProvider.mask("short-key")).isEqualTo("****-key");
        assertThat(DoctorProvider.mask("12345678")).isEqualTo("****");
        assertThat(DoctorProvider.mask(null)).isEqualTo("(unset)");
    }
}
