package ai.synth.lm;

import ai.synth.lm.internal.Futures;
import ai.synth.lm.internal.route.Attempt;
import ai.synth.lm.internal.route.ChatAttempts;
import ai.synth.lm.internal.route.Lease;
import ai.synth.lm.internal.route.Member;
import ai.synth.lm.internal.route.RouteCall;
import ai.synth.lm.internal.route.RoutedPublisher;
import ai.synth.lm.internal.route.RouterCore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One provider over many deployments: {@code request.model()} names a <em>model group</em>, and each call goes to
 * one of the group's deployments, picked by the {@link RoutingStrategy}. A failed attempt is retried on another
 * deployment (never the one that just failed while another is free, and not before its {@code Retry-After});
 * once the group's retries are spent the call moves to the group's fallbacks. Deployments that keep failing cool
 * down; rpm, tpm and parallel-request limits are checked before each call, and a call that finds no capacity waits
 * for it within its deadline.
 *
 * <pre>{@code
 * try (Router router = Router.fromConfig(Path.of("router.yaml"))) {
 *     ChatCompletion answer = router.createChatCompletion("chat", List.of(ChatMessage.user("Hello!")));
 * }
 * }</pre>
 *
 * <p>A router is a {@link UnifiedLMProvider}, so code written for a provider works on it unchanged, and its
 * failures are the same types: the last attempt's, with a message that lists every deployment tried and why each
 * failed (each attempt's exception is attached as suppressed). A plain bad request (HTTP 400) fails at once: no
 * retry, no cooldown, no fallback. Thread-safe; share one. Each deployment owns its provider (and connection
 * pool), which the router closes when it closes.
 */
public final class Router implements UnifiedLMProvider {

    private final RouterCore core;
    private final List<Member> members;
    private final AtomicBoolean closed = new AtomicBoolean();

    Router(RouterCore core, List<Member> members) {
        this.core = core;
        this.members = List.copyOf(members);
    }

    /** A builder of a router. */
    public static RouterBuilder builder() {
        return new RouterBuilder();
    }

    /**
     * A router from a LiteLLM-style {@code config.yaml} ({@code model_list} and {@code router_settings}); API keys
     * written {@code os.environ/NAME} come from the process environment, else from the {@code .env} file of the
     * working directory, as the providers' settings do. Unknown keys are logged once each as a warning.
     *
     * @throws ConfigurationException naming the entry and the fix when the file is unreadable or malformed
     */
    public static Router fromConfig(Path path) {
        return builder().config(path).build();
    }

    /** Always {@code router}. */
    @Override
    public String name() {
        return "router";
    }

    /** The deployments, in configuration order. */
    public List<Deployment> deployments() {
        return members.stream().map(Member::deployment).toList();
    }

    /** The model groups, sorted. */
    public List<String> modelGroups() {
        return List.copyOf(new TreeSet<>(core.groups().keySet()));
    }

    /**
     * Routes a chat completion on the caller's thread: each attempt is the deployment's own synchronous call, and
     * waits for capacity or a cooldown block this thread.
     *
     * @throws IllegalArgumentException if {@code request.model()} is not a model group of this router
     */
    @Override
    public ChatCompletion createChatCompletion(ChatCompletionRequest request) {
        check(request);
        return RouteCall.call(core, request, ChatAttempts.SYNC_CHAT);
    }

    /**
     * Routes a chat completion without blocking; waits and retries are scheduled, never slept.
     *
     * @throws IllegalArgumentException if {@code request.model()} is not a model group of this router
     */
    @Override
    public CompletableFuture<ChatCompletion> createChatCompletionAsync(ChatCompletionRequest request) {
        check(request);
        return RouteCall.run(core, request, ChatAttempts.ASYNC_CHAT);
    }

    /**
     * Routes a chat completion as {@link #createChatCompletion(ChatCompletionRequest)} does and returns it with the
     * HTTP response of the deployment that answered: its status, header fields and body as sent.
     *
     * @throws IllegalArgumentException if {@code request.model()} is not a model group of this router
     */
    @Override
    public RawResponse<ChatCompletion> createChatCompletionRaw(ChatCompletionRequest request) {
        check(request);
        return RouteCall.call(core, request, ChatAttempts.SYNC_RAW);
    }

    /**
     * The asynchronous face of {@link #createChatCompletionRaw}.
     *
     * @throws IllegalArgumentException if {@code request.model()} is not a model group of this router
     */
    @Override
    public CompletableFuture<RawResponse<ChatCompletion>> createChatCompletionRawAsync(ChatCompletionRequest request) {
        check(request);
        return RouteCall.run(core, request, ChatAttempts.ASYNC_RAW);
    }

    /**
     * Routes a stream, opened on the caller's thread: failures before the response headers are retried like any
     * call; the stream's latency is its time to the first chunk. Close it when done.
     *
     * @throws IllegalArgumentException if {@code request.model()} is not a model group of this router
     */
    @Override
    public ChatCompletionStream streamChatCompletion(ChatCompletionRequest request) {
        check(request);
        return RouteCall.call(core, request, new Attempt<ChatCompletionStream>() {
            @Override
            public CompletableFuture<ChatCompletionStream> start(Lease lease, ChatCompletionRequest routed) {
                ChatCompletionStream opened = lease.member().provider().streamChatCompletion(routed);
                return CompletableFuture.completedFuture(new ChatCompletionStream(leased(opened, lease)));
            }

            @Override
            public void discard(ChatCompletionStream stream) {
                stream.close();
            }
        });
    }

    private static ChatCompletionStream.Source leased(ChatCompletionStream opened, Lease lease) {
        var chunks = opened.iterator();
        return new ChatCompletionStream.Source() {
            @Override
            public ChatCompletionChunk next() {
                try {
                    if (!chunks.hasNext()) {
                        lease.release();
                        return null;
                    }
                    ChatCompletionChunk chunk = chunks.next();
                    lease.firstResponse();
                    if (chunk.usage() != null) {
                        lease.settle(chunk.usage().totalTokens());
                    }
                    return chunk;
                } catch (RuntimeException e) {
                    lease.release();
                    throw e;
                }
            }

            @Override
            public void close() {
                try {
                    opened.close();
                } finally {
                    lease.release();
                }
            }
        };
    }

    /**
     * Routes a stream as a publisher; an attempt that fails before its first chunk is retried elsewhere.
     *
     * @throws IllegalArgumentException if {@code request.model()} is not a model group of this router
     */
    @Override
    public Flow.Publisher<ChatCompletionChunk> streamChatCompletionAsync(ChatCompletionRequest request) {
        check(request);
        return new RoutedPublisher(core, request);
    }

    /** The model groups as models (id = the group name, owned by {@code router}); no call is made. */
    @Override
    public CompletableFuture<List<Model>> listModelsAsync() {
        ensureOpen();
        return CompletableFuture.completedFuture(modelGroups().stream()
                .map(group -> new Model(group, "model", 0, "router", Map.of())).toList());
    }

    /** Warms up every deployment of the group; warm when at least one is. */
    @Override
    public WarmupResult warmup(String modelGroup, WarmupOptions options) {
        return Futures.await(warmupAsync(modelGroup, options));
    }

    /**
     * Warms up every deployment of the group at once; the result is the first warm one's, else the last failure's.
     *
     * @throws IllegalArgumentException if the group is unknown
     */
    @Override
    public CompletableFuture<WarmupResult> warmupAsync(String modelGroup, WarmupOptions options) {
        ensureOpen();
        List<CompletableFuture<WarmupResult>> all = new ArrayList<>();
        for (Member m : group(modelGroup)) {
            all.add(m.provider().warmupAsync(m.deployment().model(), options));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> {
            WarmupResult last = null;
            for (CompletableFuture<WarmupResult> f : all) {
                WarmupResult r = f.isCompletedExceptionally() ? null : f.join();
                if (r != null && r.warm()) {
                    return r;
                }
                last = r != null ? r : last;
            }
            if (last == null) {
                throw new java.util.concurrent.CompletionException(e);
            }
            return last;
        });
    }

    /** Closes every deployment's provider. Closing twice is harmless. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Member m : members) {
                m.provider().close();
            }
        }
    }

    private void check(ChatCompletionRequest request) {
        Objects.requireNonNull(request, "request");
        ensureOpen();
        group(request.model());
    }

    private List<Member> group(String name) {
        List<Member> group = core.groups().get(name);
        if (group == null) {
            throw new IllegalArgumentException("No model group named '" + name + "' in this router; it has: "
                    + String.join(", ", modelGroups()));
        }
        return group;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The router is closed");
        }
    }

    @Override
    public String toString() {
        return "Router[" + core.settings().strategy().configName() + ", groups=" + modelGroups() + ", deployments="
                + members.stream().map(Member::id).toList() + (closed.get() ? ", closed]" : "]");
    }

    /** The groups each member belongs to, for the builder. */
    static Map<String, List<Member>> byGroup(List<Member> members) {
        Map<String, List<Member>> groups = new java.util.LinkedHashMap<>();
        for (Member m : members) {
            groups.computeIfAbsent(m.deployment().modelGroup(), k -> new ArrayList<>()).add(m);
        }
        groups.replaceAll((k, v) -> List.copyOf(v));
        return groups;
    }
}
