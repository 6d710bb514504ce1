package ai.synth.lm.testserver;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Queued faults in FIFO order, each with the requests it may be taken by. Thread-safe. */
final class FaultQueue {

    /** A queued fault; a null prefix means "the next chat-completions request". */
    private record Entry(String pathPrefix, Fault fault) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(String pathPrefix, Fault fault) {
        entries.add(new Entry(pathPrefix, fault));
    }

    /**
     * Removes and returns the oldest fault this request may take, or null. Stream faults wait for a
     * streaming request; other requests pass them by.
     */
    synchronized Fault take(HttpRequest request, boolean streaming) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (matches(entry.pathPrefix(), request) && (streaming || !entry.fault().kind().streaming())) {
                it.remove();
                return entry.fault();
            }
        }
        return null;
    }

    private static boolean matches(String pathPrefix, HttpRequest request) {
        if (pathPrefix == null) {
            return "POST".equals(request.method()) && ChatEndpoint.isChatPath(request.path());
        }
        return request.target().startsWith(pathPrefix) || request.path().startsWith(pathPrefix);
    }
}
