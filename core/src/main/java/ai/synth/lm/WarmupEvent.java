package ai.synth.lm;

import java.time.Duration;

/**
 * One step of a warmup, for progress displays.
 *
 * @param model the model being warmed
 * @param status the status the backend reported ({@code warming}, {@code warmed}, {@code failed}, ...) or
 *     {@code error} when a status check itself failed
 * @param attempt the number of the status check, 0 for the start request
 * @param elapsed the time since the warmup began
 * @param error what went wrong, or null
 */
public record WarmupEvent(String model, String status, int attempt, Duration elapsed, String error) {

    @Override
    public String toString() {
        String line = "warmup " + model + ": " + status + " (attempt " + attempt + ", "
                + elapsed.toMillis() / 1000.0 + " s)";
        return error == null ? line : line + ": " + error;
    }
}
