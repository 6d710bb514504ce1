package ai.synth.lm.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether standard output is a terminal, on Java 17 and on 22+ (where {@code System.console()} is never null). */
final class Terminal {

    private Terminal() {}

    static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException before22) {
            return true; // Java 17 to 21 return a Console only when both stdin and stdout are a terminal
        }
    }
}
