package ai.synth.lm.internal.batch;

import ai.synth.lm.BatchSummary;
import ai.synth.lm.RouterState;
import ai.synth.lm.Scheduler;
import ai.synth.lm.UnifiedLMProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Everything one batch job needs, already validated by the public builder.
 *
 * @param input the JSONL file of requests; null for a job run over rows ({@link BatchEngine#runOn})
 * @param model replaces every line's model when not null
 * @param rpm requests per minute, 0 for no limit
 * @param tpm tokens per minute, 0 for no limit
 * @param limitKey the name the minute budget is kept under in {@code state}
 */
public record BatchPlan(UnifiedLMProvider provider, Path input, Path output, Path errors, String model,
        int concurrency, int rpm, long tpm, RouterState state, String limitKey, Clock clock, Scheduler scheduler,
        Consumer<BatchSummary> listener) {}
