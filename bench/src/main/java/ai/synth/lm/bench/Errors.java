package ai.synth.lm.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/** Failed calls of one client: a count, and the distinct causes (the first few, with their counts). Thread-safe. */
final class Errors {

    private static final int MAX_KINDS = 5;

    private final LongAdder count = new LongAdder();
    private final Map<String, LongAdder> kinds = new ConcurrentHashMap<>();

    void add(Throwable t) {
        count.increment();
        String kind = describe(t);
        LongAdder n = kinds.get(kind);
        if (n == null && kinds.size() < MAX_KINDS) {
            n = kinds.computeIfAbsent(kind, k -> new LongAdder());
        }
        if (n != null) {
            n.increment();
        }
    }

    void add(String kind) {
        add(new IllegalStateException(kind));
    }

    long count() {
        return count.sum();
    }

    /** Distinct causes and how often each was seen. */
    Map<String, Long> kinds() {
        Map<String, Long> out = new LinkedHashMap<>();
        kinds.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The innermost cause's type and message, which is what tells one failure from another. */
    static String describe(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = t.getClass().getSimpleName();
        String text = root == t ? outer + ": " + t.getMessage()
                : outer + " <- " + root.getClass().getSimpleName() + ": " + root.getMessage();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
