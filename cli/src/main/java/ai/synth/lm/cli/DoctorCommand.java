package ai.synth.lm.cli;

import ai.synth.lm.ConfigurationException;
import ai.synth.lm.SynthLM;
import ai.synth.lm.internal.Environment;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code synth-lm doctor}: each provider's settings with where they came from, then checks that its backend
 * answers and accepts the key, with the fix for each failure. Exit 0 when every provider in use passes, 1 when a
 * check fails, 2 on bad usage.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show each provider's settings and where they came from, then check that the backend"
                + " answers and accepts the key; print the fix for each failure.",
                "A provider is checked when it is the default (LM_PROVIDER, else synth) or has any setting;"
                        + " exit 0 when all checked pass, 1 when one fails."})
final class DoctorCommand implements Callable<Integer> {

    private final CliEnvironment env;

    @Spec
    CommandSpec spec;

    @Option(names = "--provider", paramLabel = "NAME", description = "Check only this provider: synth or openai.")
    String provider;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The base URL to check instead of the configured one (needs --provider).")
    String baseUrl;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "Qwen/Qwen2.5-7B-Instruct",
            description = "The model whose warmup status is asked for. Default: ${DEFAULT-VALUE}.")
    String model;

    DoctorCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        List<DoctorProvider> chosen = chosen();
        PrintWriter out = spec.commandLine().getOut();
        Environment settings;
        try {
            settings = env.settings();
        } catch (ConfigurationException e) {
            out.println("FAIL  " + Failures.oneLine(e.getMessage()));
            out.flush();
            return Failures.FAILURE;
        }
        DoctorReport report = new DoctorReport(out);
        String defaultProvider = report.dotenvAndDefault(settings);
        for (DoctorProvider p : chosen) {
            boolean isDefault = p.id().equals(defaultProvider);
            List<DoctorProvider.Row> rows = p.rows(settings, baseUrl);
            boolean needed = provider != null || isDefault || rows.stream().anyMatch(DoctorProvider.Row::set);
            report.provider(p, isDefault, rows);
            if (!needed) {
                report.skipped(p);
                continue;
            }
            DoctorProvider.Settings resolved;
            try {
                resolved = p.build(settings, baseUrl);
            } catch (ConfigurationException e) {
                report.check(DoctorChecks.Check.fail("configuration: " + Failures.oneLine(e.getMessage()),
                        e.getMessage().contains("not found") ? p.fixes().missing() : null));
                continue;
            }
            report.check(DoctorChecks.Check.ok("configuration: the library accepts these settings"));
            DoctorChecks.run(p, resolved, model).forEach(report::check);
        }
        return report.finish();
    }

    private List<DoctorProvider> chosen() {
        if (provider == null) {
            if (baseUrl != null) {
                throw new ParameterException(spec.commandLine(), "--base-url needs --provider synth or openai");
            }
            return List.of(DoctorProvider.SYNTH, DoctorProvider.OPENAI);
        }
        String name = provider.strip().toLowerCase(Locale.ROOT);
        if (!SynthLM.PROVIDERS.contains(name)) {
            throw new ParameterException(spec.commandLine(), "--provider " + provider
                    + " is not a known provider: use one of " + String.join(", ", SynthLM.PROVIDERS));
        }
        return List.of(DoctorProvider.named(name));
    }
}
