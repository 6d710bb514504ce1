package ai.synth.lm.internal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} in {@code .env} values as python-dotenv's
 * {@code load_dotenv()} does, in every value, quoted or not. A name is looked up in the process environment first
 * (which wins, as it wins over the file), then among the file's earlier assignments, then the default is used,
 * else the empty string. A variable set to the empty string counts as set, so its default is not used.
 * {@code $NAME} without braces, and any other {@code $}, stays as written; expanded text is not expanded again.
 */
final class DotenvExpansion {

    /** {@code ${name}} or {@code ${name:-default}}: a name has no {@code :} or {@code }}, a default no {@code }}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}:]*)(?::-([^}]*))?}");

    private DotenvExpansion() {}

    /**
     * The file's variables, expanded in file order; a later assignment of a name replaces an earlier one. Names
     * written without {@code =} are left out, but expand to the empty string in later lines.
     */
    static Map<String, DotenvParser.Binding> expand(List<DotenvParser.Binding> bindings, Map<String, String> process) {
        Map<String, String> earlier = new HashMap<>();
        Map<String, DotenvParser.Binding> values = new LinkedHashMap<>();
        for (DotenvParser.Binding b : bindings) {
            String value = b.value() == null ? null : expand(b.value(), process, earlier);
            earlier.put(b.name(), value == null ? "" : value);
            if (value == null) {
                values.remove(b.name());
            } else {
                values.put(b.name(), new DotenvParser.Binding(b.name(), value, b.line()));
            }
        }
        return values;
    }

    /** One value with its {@code ${...}} replaced. */
    static String expand(String value, Map<String, String> process, Map<String, String> earlier) {
        if (value.indexOf("${") < 0) {
            return value;
        }
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder(value.length());
        int cursor = 0;
        while (m.find()) {
            out.append(value, cursor, m.start());
            String name = m.group(1);
            String found = process.containsKey(name) ? process.get(name) : earlier.get(name);
            out.append(found != null ? found : m.group(2) != null ? m.group(2) : "");
            cursor = m.end();
        }
        return out.append(value, cursor, value.length()).toString();
    }
}
