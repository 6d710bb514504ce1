package ai.synth.lm.cli;

import ai.synth.lm.SynthLM;
import ai.synth.lm.internal.Environment;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What {@code doctor} prints, in aligned columns, and the count of failed checks that makes its exit code. */
final class DoctorReport {

    private static final String ROW = "  %-12s %-40s %s%n";

    private final PrintWriter out;
    private int failed;

    DoctorReport(PrintWriter out) {
        this.out = out;
    }

    /** The {@code .env} file read and the default provider; returns the default provider's name. */
    String dotenvAndDefault(Environment env) {
        Path file = env.dotenvFile();
        out.println(".env: " + (file == null ? "none in " + Path.of("").toAbsolutePath() : file.toString()));
        for (String skipped : env.skippedLines()) {
            out.println("  warn  " + skipped + " (skipped; set " + Environment.STRICT_VARIABLE
                    + "=true to fail instead)");
        }
        Environment.Found found = env.find("LM_PROVIDER");
        String name = found == null ? "synth" : found.value().strip().toLowerCase(Locale.ROOT);
        out.printf(Locale.ROOT, ROW, "LM_PROVIDER", found == null ? "synth" : found.value(),
                found == null ? "default" : found.origin());
        if (!SynthLM.PROVIDERS.contains(name)) {
            check(DoctorChecks.Check.fail("LM_PROVIDER=" + found.value() + " is not a known provider",
                    "Use one of " + String.join(", ", SynthLM.PROVIDERS) + "."));
        }
        return name;
    }

    void provider(DoctorProvider provider, boolean isDefault, List<DoctorProvider.Row> rows) {
        out.println();
        out.println(provider.id() + (isDefault ? " (the default provider)" : ""));
        for (DoctorProvider.Row row : rows) {
            out.printf(Locale.ROOT, ROW, row.label(), row.shown(), row.origin());
        }
    }

    void skipped(DoctorProvider provider) {
        out.println("  skip  not configured and not the default provider; nothing to check");
    }

    void check(DoctorChecks.Check check) {
        out.println((check.ok() ? "  ok    " : "  FAIL  ") + check.what());
        if (!check.ok()) {
            failed++;
            if (check.fix() != null) {
                out.println("        fix: " + check.fix());
            }
        }
    }

    /** The summary line; returns the exit code. */
    int finish() {
        out.println();
        out.println(failed == 0 ? "Everything checked works." : failed + (failed == 1 ? " check" : " checks")
                + " failed; see the fixes above.");
        out.flush();
        return failed == 0 ? 0 : Failures.FAILURE;
    }
}
