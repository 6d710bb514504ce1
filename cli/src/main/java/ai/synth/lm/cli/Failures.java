package ai.synth.lm.cli;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.SynthLMException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Maps failures to exit codes and one line on standard error, never a stack trace for a user's mistake. */
final class Failures {

    /** A failure at run time: an API call failed, or the port was taken. */
    static final int FAILURE = 1;
    /** A usage or configuration error: nothing was called. */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    private Failures() {}

    static int onUsage(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        cli.getErr().println(qualifiedName(cli) + ": " + oneLine(e.getMessage())
                + " (see '" + qualifiedName(cli) + " --help')");
        cli.getErr().flush();
        return USAGE;
    }

    static int onExecution(Exception e, CommandLine cli, ParseResult parsed) throws Exception {
        if (e instanceof ConfigurationException || e instanceof IllegalArgumentException) {
            return report(cli, e, USAGE);
        }
        if (e instanceof SynthLMException) {
            return report(cli, e, FAILURE);
        }
        throw e; // a bug: picocli prints the stack trace
    }

    private static int report(CommandLine cli, Exception e, int code) {
        cli.getErr().println(qualifiedName(cli) + ": " + oneLine(e.getMessage()));
        cli.getErr().flush();
        return code;
    }

    /** The message on one line: provider messages may carry line breaks. */
    static String oneLine(String message) {
        return message == null ? "(no message)" : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    private static String qualifiedName(CommandLine cli) {
        return cli.getParent() == null ? cli.getCommandName()
                : qualifiedName(cli.getParent()) + " " + cli.getCommandName();
    }
}
