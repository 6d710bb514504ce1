package ai.synth.lm.testserver;

import java.util.ArrayList;
import java.util.List;

/** Every request received, in arrival order, numbered from 1. Thread-safe. */
final class RequestLog {

    private final List<RecordedRequest> requests = new ArrayList<>();
    private final boolean keepBodies;
    private long lastSequence;

    /** {@code keepBodies} false records each request without its body, for long runs of large requests. */
    RequestLog(boolean keepBodies) {
        this.keepBodies = keepBodies;
    }

    synchronized RecordedRequest record(HttpRequest request) {
        RecordedRequest recorded = new RecordedRequest(++lastSequence, request, keepBodies);
        requests.add(recorded);
        return recorded;
    }

    synchronized List<RecordedRequest> all() {
        return List.copyOf(requests);
    }

    synchronized RecordedRequest last() {
        if (requests.isEmpty()) {
            throw new IllegalStateException("the local backend has not received a request"
                    + (lastSequence > 0 ? " since clearRequests()" : ""));
        }
        return requests.get(requests.size() - 1);
    }

    synchronized int count(String pathPrefix) {
        return (int) requests.stream().filter(r -> r.pathStartsWith(pathPrefix)).count();
    }

    /** Forgets the requests but not the numbering, so request ids stay unique. */
    synchronized void clear() {
        requests.clear();
    }
}
