package ai.synth.lm.spark.internal;

import ai.synth.lm.RouterState;
import ai.synth.lm.UnifiedLMProvider;
import ai.synth.lm.spark.ExecutorFactory;
import java.io.Serializable;

/**
 * What every partition of a Spark batch needs, validated by the public builder and shipped to the executors.
 *
 * @param results the directory of the per-partition journals, or null for throwaway ones
 * @param model replaces every body's model when not null
 * @param sharedState makes the state the minute budget is kept in; null for one state per executor JVM
 * @param limitKey the name the minute budget is kept under: the same for every partition of the job
 */
public record Settings(ExecutorFactory<UnifiedLMProvider> provider, String results, String model, int concurrency,
        int rpm, long tpm, ExecutorFactory<RouterState> sharedState, String limitKey) implements Serializable {}
