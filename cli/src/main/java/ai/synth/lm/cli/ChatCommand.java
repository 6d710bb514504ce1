package ai.synth.lm.cli;

import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ChatCompletionAccumulator;
import ai.synth.lm.ChatCompletionChunk;
import ai.synth.lm.ChatCompletionRequest;
import ai.synth.lm.ChatCompletionStream;
import ai.synth.lm.ChatMessage;
import ai.synth.lm.Choice;
import ai.synth.lm.LMListener;
import ai.synth.lm.OpenAIProvider;
import ai.synth.lm.Router;
import ai.synth.lm.SynthLM;
import ai.synth.lm.SynthProvider;
import ai.synth.lm.UnifiedLMProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code synth-lm chat [PROMPT]}: one chat completion, the reply (or the whole response as JSON) on stdout. */
@Command(name = "chat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Send one prompt and print the reply.",
                "Settings come from the environment or a .env file: SYNTH_BASE_URL and SYNTH_API_KEY for synth,"
                        + " OPENAI_API_KEY (and OPENAI_BASE_URL) for openai. Keys are never taken as options,"
                        + " so they stay out of shell history.",
                "With --config, the call goes through a router over the deployments of a LiteLLM-style"
                        + " config.yaml, and --model names one of its model groups."})
final class ChatCommand implements Callable<Integer> {

    static final String SYNTH_MODEL = "Qwen/Qwen2.5-7B-Instruct";
    static final String OPENAI_MODEL = "gpt-4o-mini";

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "The prompt; read from stdin when absent.")
    String prompt;

    @Option(names = "--provider", paramLabel = "synth|openai",
            description = "The provider. Default: LM_PROVIDER, else synth.")
    String provider;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "The model. Default: " + SYNTH_MODEL + " (synth), " + OPENAI_MODEL + " (openai).")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message sent before the prompt.")
    String system;

    @Option(names = "--temperature", paramLabel = "T",
            description = "Sampling temperature, 0 to 2. Default: the provider's.")
    Double temperature;

    @Option(names = "--max-tokens", paramLabel = "N", description = "The most tokens the reply may have.")
    Integer maxTokens;

    @Option(names = "--json", description = "Print the whole response as JSON (OpenAI's shape).")
    boolean json;

    @Option(names = "--stream", description = "Print the reply as it arrives (server-sent events).")
    boolean stream;

    @Option(names = {"-v", "--events"},
            description = "Print each attempt, retry and wait to stderr as it happens.")
    boolean events;

    @Option(names = "--config", paramLabel = "FILE",
            description = "A router config (LiteLLM's config.yaml format): route the call over its deployments.")
    java.nio.file.Path config;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The provider's base URL, instead of SYNTH_BASE_URL or OPENAI_BASE_URL.")
    String baseUrl;

    ChatCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        if (stream && json) {
            throw new ParameterException(spec.commandLine(),
                    "--stream and --json do not combine: --json prints the whole response once it is complete");
        }
        if (config != null && (provider != null || baseUrl != null)) {
            throw new ParameterException(spec.commandLine(), "--config does not combine with --provider or"
                    + " --base-url: the config file says where each deployment is");
        }
        String name = config != null ? null : providerName();
        try (UnifiedLMProvider p = config != null ? env.router().config(config).listener(listener()).build() : open(name)) {
            ChatCompletionRequest request = ChatCompletionRequest.builder()
                    .model(model != null ? model : p instanceof Router r ? onlyGroup(r)
                            : name.equals("openai") ? OPENAI_MODEL : SYNTH_MODEL)
                    .messages(messages())
                    .temperature(temperature)
                    .maxTokens(maxTokens)
                    .build();
            if (p instanceof Router r && !r.modelGroups().contains(request.model())) {
                throw new ParameterException(spec.commandLine(), "--model " + request.model()
                        + " is not a model group of " + config + ": use one of " + String.join(", ", r.modelGroups()));
            }
            if (stream) {
                printStreamed(p, request);
            } else {
                print(p.createChatCompletion(request));
            }
        }
        return 0;
    }

    private String onlyGroup(Router router) {
        if (router.modelGroups().size() != 1) {
            throw new ParameterException(spec.commandLine(), "Name the model group with --model: " + config
                    + " has " + String.join(", ", router.modelGroups()));
        }
        return router.modelGroups().get(0);
    }

    private String providerName() {
        if (provider == null) {
            return env.defaultProvider();
        }
        String name = provider.strip().toLowerCase(Locale.ROOT);
        if (!SynthLM.PROVIDERS.contains(name)) {
            throw new ParameterException(spec.commandLine(), "Unknown provider \"" + provider
                    + "\": use one of " + String.join(", ", SynthLM.PROVIDERS));
        }
        return name;
    }

    private List<ChatMessage> messages() {
        String text = prompt != null ? prompt : readStdin();
        if (text.isBlank()) {
            throw new ParameterException(spec.commandLine(),
                    "No prompt: pass it as an argument or on standard input");
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(text));
        return messages;
    }

    private String readStdin() {
        try {
            return new String(env.stdin().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the prompt from standard input", e);
        }
    }

    private UnifiedLMProvider open(String name) {
        return name.equals("openai")
                ? new OpenAIProvider(env.openai().baseUrl(baseUrl).listener(listener()).build())
                : new SynthProvider(env.synth().baseUrl(baseUrl).listener(listener()).build());
    }

    private LMListener listener() {
        return events ? new EventPrinter(spec.commandLine().getErr()) : LMListener.NONE;
    }

    private void print(ChatCompletion response) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(CompletionJson.write(response));
        } else if (!response.choices().isEmpty()) {
            Choice first = response.choices().get(0);
            out.println(first.message().content() == null ? "" : first.message().content());
        }
        notes(response);
    }

    private void printStreamed(UnifiedLMProvider provider, ChatCompletionRequest request) {
        PrintWriter out = spec.commandLine().getOut();
        ChatCompletionAccumulator whole = ChatCompletionAccumulator.create();
        try (ChatCompletionStream chunks = provider.streamChatCompletion(request)) {
            for (ChatCompletionChunk chunk : chunks) {
                whole.accumulate(chunk);
                out.print(chunk.content());
                out.flush();
            }
        }
        out.println();
        notes(whole.result());
    }

    /** What the reply alone does not say, on stderr so that stdout stays the reply. */
    private void notes(ChatCompletion response) {
        PrintWriter err = spec.commandLine().getErr();
        if (response.choices().isEmpty()) {
            err.println("(the response had no choices: run with --json to see all of it)");
        } else if ("length".equals(response.choices().get(0).finishReason())) {
            err.println("(the reply was cut at the token limit: raise --max-tokens)");
        }
        if (SimulatorNotice.applies(response)) {
            err.println(SimulatorNotice.TEXT);
        }
    }
}
