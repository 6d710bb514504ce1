/**
 * synth-lm: one interface over LLM providers (Synth and OpenAI) with warmup of cold serverless models,
 * retries with exponential backoff, tool calling, and sync and async faces.
 *
 * <p>Only {@code ai.synth.lm} is exported; the engine lives in {@code ai.synth.lm.internal}.
 */
module ai.synth.lm {
    requires transitive java.net.http;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.slf4j;

    exports ai.synth.lm;

    uses ai.synth.lm.SharedStateFactory;
}
