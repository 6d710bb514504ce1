package ai.synth.lm.testserver;

import java.time.Duration;
import java.util.List;

/** The settings of a {@link LocalBackend}; {@link LocalBackend.Builder} validates them. */
record BackendConfig(int port, String apiKey, Duration coldStart, int warmAfterPolls, List<String> models,
                     Duration streamChunkDelay) {

    static BackendConfig defaults() {
        return new BackendConfig(0, null, Duration.ZERO, 0, List.of(), Duration.ZERO);
    }

    BackendConfig withPort(int value) {
        return new BackendConfig(value, apiKey, coldStart, warmAfterPolls, models, streamChunkDelay);
    }

    BackendConfig withApiKey(String value) {
        return new BackendConfig(port, value, coldStart, warmAfterPolls, models, streamChunkDelay);
    }

    BackendConfig withColdStart(Duration value) {
        return new BackendConfig(port, apiKey, value, warmAfterPolls, models, streamChunkDelay);
    }

    BackendConfig withWarmAfterPolls(int value) {
        return new BackendConfig(port, apiKey, coldStart, value, models, streamChunkDelay);
    }

    BackendConfig withModels(List<String> value) {
        return new BackendConfig(port, apiKey, coldStart, warmAfterPolls, List.copyOf(value), streamChunkDelay);
    }

    BackendConfig withStreamChunkDelay(Duration value) {
        return new BackendConfig(port, apiKey, coldStart, warmAfterPolls, models, value);
    }
}
