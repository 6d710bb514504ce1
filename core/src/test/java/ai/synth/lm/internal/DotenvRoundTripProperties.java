package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A {@code .env} file written from arbitrary names and values, in any of the styles the syntax allows, reads back
 * the same names and values. Two things the syntax cannot say, as in python-dotenv: a literal {@code ${} (it is
 * always expanded), and a quoted value ending in a backslash (its closing quote reads as escaped), so values here
 * hold no {@code ${} and end in a backslash only when they can go unquoted.
 */
class DotenvRoundTripProperties {

    /** How one line is written. */
    record Style(boolean export, boolean quotedName, int quote, String around, String lineEnd, String comment) {}

    record Entry(String name, String value, Style style) {}

    @Property(tries = 500)
    void aWrittenFileReadsBackTheSame(@ForAll("files") List<Entry> entries) throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            text.append(line(e));
            expected.put(e.name(), e.value());
        }
        DotenvParser.Result parsed = DotenvParser.parse(text.toString());
        Map<String, String> read = new LinkedHashMap<>();
        DotenvExpansion.expand(parsed.bindings(), Map.of()).forEach((name, b) -> read.put(name, b.value()));

        assertThat(parsed.malformed()).isEmpty();
        assertThat(read).isEqualTo(expected);
    }

    @Property(tries = 50)
    void aFileOnDiskReadsBackTheSameThroughTheEnvironment(@ForAll("files") List<Entry> entries) throws Exception {
        Path dir = Files.createTempDirectory("dotenv");
        try {
            Map<String, String> expected = new LinkedHashMap<>();
            StringBuilder text = new StringBuilder("\uFEFF");
            for (Entry e : entries) {
                text.append(line(e));
                expected.put(e.name(), e.value());
            }
            Files.writeString(dir.resolve(".env"), text, StandardCharsets.UTF_8);
            Map<String, String> read = Environment.of(Map.of(), dir).variables();
            assertThat(read).isEqualTo(expected);
        } finally {
            Files.deleteIfExists(dir.resolve(".env"));
            Files.delete(dir);
        }
    }

    private static String line(Entry e) {
        Style s = e.style();
        String name = s.quotedName() ? "'" + e.name() + "'" : e.name();
        return (s.export() ? "export " : "") + name + s.around() + "=" + s.around() + value(e.value(), s.quote())
                + s.comment() + s.lineEnd();
    }

    /** The value in the style asked for when it can be said that way, else in double quotes. */
    private static String value(String v, int quote) {
        if ((quote == 0 || v.endsWith("\\")) && canBeUnquoted(v)) {
            return v;
        }
        if (quote == 1 && v.indexOf('\r') < 0) {
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r") + "\"";
    }

    private static boolean canBeUnquoted(String v) {
        return !v.isEmpty() && !DotenvParser.isSpace(v.charAt(0)) && !DotenvParser.isSpace(v.charAt(v.length() - 1))
                && v.charAt(0) != '\'' && v.charAt(0) != '"' && v.indexOf('\n') < 0 && v.indexOf('\r') < 0
                && DotenvParser.unquoted(v).equals(v);
    }

    @Provide
    Arbitrary<List<Entry>> files() {
        Arbitrary<Entry> entry = Combinators.combine(names(), values(), styles()).as(Entry::new)
                .filter(e -> !(e.style().quotedName() && e.name().indexOf('\'') >= 0));
        return entry.list().ofMinSize(1).ofMaxSize(8).uniqueElements(Entry::name);
    }

    private static Arbitrary<String> names() {
        Arbitrary<String> plain = Arbitraries.strings().withChars("ABCXYZ_abc019").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> punctuated = Arbitraries.strings().withChars("AZaz_09[]%$!@&*().,;:/?<>{}|~^`'\"-+\\")
                .ofMinLength(1).ofMaxLength(12).filter(n -> !n.startsWith("'"));
        Arbitrary<String> unicode = Arbitraries.strings().withCharRange('\u00c0', '\u024f').withChars("_K")
                .ofMinLength(1).ofMaxLength(8);
        return Arbitraries.oneOf(plain, punctuated, unicode);
    }

    private static Arbitrary<String> values() {
        Arbitrary<String> any = Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(40);
        Arbitrary<String> tricky = Arbitraries.strings().withChars(" \t\n\r#'\"\\=$abc{}\u00a0\u2028").ofMaxLength(20);
        return Arbitraries.oneOf(any, tricky)
                .filter(v -> !v.contains("${") && (!v.endsWith("\\") || canBeUnquoted(v)));
    }

    private static Arbitrary<Style> styles() {
        return Combinators.combine(Arbitraries.of(false, true), Arbitraries.of(false, true),
                        Arbitraries.integers().between(0, 2), Arbitraries.of("", " ", "\t"),
                        Arbitraries.of("\n", "\r\n", "\r"), Arbitraries.of("", " # a comment", "\t#"))
                .as(Style::new);
    }
}
