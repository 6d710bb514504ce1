package ai.synth.lm.spark;

import java.io.Serializable;

/**
 * Makes an object on a Spark executor, where it is needed: a provider, or a shared state. It travels from the
 * driver to the executors serialized, so it should capture only serializable values (a base URL, a model name),
 * never the object itself.
 *
 * <pre>{@code
 * ExecutorFactory<UnifiedLMProvider> openai = () -> SynthLM.createProvider("openai");
 * }</pre>
 *
 * @param <T> what it makes
 */
@FunctionalInterface
public interface ExecutorFactory<T> extends Serializable {

    /** A new object, called once for each partition of the job; the job closes it when it is {@link AutoCloseable}. */
    T create();
}
