package ai.synth.lm.examples;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.SynthConfig;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.UnifiedLMProvider;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * README "Sync and async": many prompts sent asynchronously with at most {@code limit} in flight at once. Each
 * finished call starts the next one; no thread waits for a free slot.
 */
public final class AsyncFanOut {

    private AsyncFanOut() {}

    /** Runs the example with settings from the environment: 20 prompts, 4 at a time. */
    public static void main(String[] args) {
        run(SynthConfig.fromEnv(), 20, 4, System.out);
    }

    /** Sends {@code count} prompts, at most {@code limit} at once; prints each answer in order and the peak. */
    static void run(SynthConfig config, int count, int limit, PrintStream out) {
        List<String> prompts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            prompts.add("Question " + i);
        }
        try (SynthProvider provider = new SynthProvider(config)) {
            Window window = new Window(provider, prompts, limit);
            List<ChatCompletion> answers = window.start().join();
            for (int i = 0; i < answers.size(); i++) {
                out.println(prompts.get(i) + " -> " + answers.get(i).content());
            }
            out.println("answers: " + answers.size() + ", most in flight: " + window.peak.get());
        }
    }

    /** Keeps up to {@code limit} calls going: each one that ends starts the next prompt. */
    private static final class Window {
        private final UnifiedLMProvider provider;
        private final List<String> prompts;
        private final int limit;
        private final Iterator<Integer> next;
        private final List<CompletableFuture<ChatCompletion>> results = new ArrayList<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();

        Window(UnifiedLMProvider provider, List<String> prompts, int limit) {
            this.provider = provider;
            this.prompts = prompts;
            this.limit = limit;
            List<Integer> indexes = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                indexes.add(i);
                results.add(new CompletableFuture<>());
            }
            this.next = indexes.iterator();
        }

        CompletableFuture<List<ChatCompletion>> start() {
            for (int i = 0; i < limit; i++) {
                sendNext();
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                    .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
        }

        private void sendNext() {
            int index;
            synchronized (next) {
                if (!next.hasNext()) {
                    return;
                }
                index = next.next();
            }
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            provider.createChatCompletionAsync(QuickStart.MODEL, List.of(ChatMessage.user(prompts.get(index))))
                    .whenComplete((answer, error) -> {
                        inFlight.decrementAndGet();
                        if (error != null) {
                            results.get(index).completeExceptionally(error);
                        } else {
                            results.get(index).complete(answer);
                        }
                        sendNext();                                 // the freed slot goes to the next prompt
                    });
        }
    }
}
