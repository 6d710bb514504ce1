package ai.synth.lm.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code synth-lm} command: {@code demo}, {@code chat}, {@code batch}, {@code warmup}, {@code doctor} and {@code serve-local}.
 *
 * <p>Exit codes: 0 success, 1 an API failure, 2 a usage or configuration error; each failure is one line on
 * standard error.
 */
@Command(name = "synth-lm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Call LLMs through one interface: Synth and OpenAI, with warmup, retries and tool calls.",
        footer = {"", "Start with 'synth-lm demo': it needs no configuration and reaches only a local simulator.",
                "chat, warmup and doctor read SYNTH_BASE_URL, SYNTH_API_KEY, OPENAI_API_KEY, LM_PROVIDER... from the"
                        + " environment or a .env file."})
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Debug logging of the library: every HTTP attempt, retry and warmup poll. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Log the library's debug output (such as each retry) to stderr.")
    void verbose(boolean verbose) {
        if (verbose) {
            // slf4j-simple reads this once, when the first logger is made: that is after parsing.
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
    }

    private Main() {}

    /** Runs the command and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine(CliEnvironment.system()).execute(args));
    }

    /** The command tree over this environment, with the exit-code mapping; output goes to System.out/err. */
    static CommandLine commandLine(CliEnvironment env) {
        CommandLine cli = new CommandLine(new Main())
                .addSubcommand(new DemoCommand(env))
                .addSubcommand(new ChatCommand(env))
                .addSubcommand(new BatchCommand(env))
                .addSubcommand(new WarmupCommand(env))
                .addSubcommand(new DoctorCommand(env))
                .addSubcommand(new ServeLocalCommand());
        cli.setExecutionExceptionHandler(Failures::onExecution);
        cli.setParameterExceptionHandler(Failures::onUsage);
        return cli;
    }

    /** Runs the command tree over this environment, writing to these streams; returns the exit code. */
    static int execute(CliEnvironment env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine(env);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** Without a command: the usage, on stderr, as for any other usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Failures.USAGE;
    }
}
