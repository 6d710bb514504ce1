package ai.synth.lm.testserver;

import java.time.Duration;
import java.util.List;

/** The settings of a {@link LocalBackend}; {@link LocalBackend.Builder} validates them. */
record BackendConfig(int port, String apiKey, Duration coldStart, int warmAfterPolls, List<String> models,
                     Duration streamChunkDelay, boolean recordBodies) {

    static BackendConfig defaults() {
        return new BackendConfig(0, null, Duration.ZERO, 0, List.of(), Duration.ZERO, true);
    }

    BackendConfig withPort(int value) {
        return new BackendConfig(value, apiKey, coldStart, warmAfterPolls, models, streamChunkDelay, recordBodies);
    }

    BackendConfig withApiKey(String value) {
        return new BackendConfig(port, value, coldStart, warmAfterPolls, models, streamChunkDelay, recordBodies);
    }

    BackendConfig withColdStart(Duration value) {
        return new BackendConfig(port, apiKey, value, warmAfterPolls, models, streamChunkDelay, recordBodies);
    }

    BackendConfig withWarmAfterPolls(int value) {
        return new BackendConfig(port, apiKey, coldStart, value, models, streamChunkDelay, recordBodies);
    }

    BackendConfig withModels(List<String> value) {
        return new BackendConfig(port, apiKey, coldStart, warmAfterPolls, List.copyOf(value), streamChunkDelay,
                recordBodies);
    }

    BackendConfig withStreamChunkDelay(Duration value) {
        return new BackendConfig(port, apiKey, coldStart, warmAfterPolls, models, value, recordBodies);
    }

    BackendConfig withRecordBodies(boolean value) {
        return new BackendConfig(port, apiKey, coldStart, warmAfterPolls, models, streamChunkDelay, value);
    }
}
