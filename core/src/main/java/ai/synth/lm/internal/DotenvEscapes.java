package ai.synth.lm.internal;

/**
 * The backslash escapes of quoted {@code .env} values, as python-dotenv decodes them: read left to right, each
 * backslash either starts a known escape or stays as written.
 */
final class DotenvEscapes {
    private DotenvEscapes() {}

    /** Inside single quotes: {@code \\} and {@code \'}. */
    static String singleQuoted(String raw) {
        return decode(raw, "\\'", "\\'");
    }

    /** Inside double quotes: {@code \\ \' \" \a \b \f \n \r \t \v}. */
    static String doubleQuoted(String raw) {
        return decode(raw, "\\'\"abfnrtv", "\\'\"\u0007\b\f\n\r\t\u000b");
    }

    private static String decode(String raw, String escapes, String meanings) {
        if (raw.indexOf('\\') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            int known = c == '\\' && i + 1 < raw.length() ? escapes.indexOf(raw.charAt(i + 1)) : -1;
            if (known >= 0) {
                out.append(meanings.charAt(known));
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
