package ai.synth.lm.internal;

import java.nio.charset.StandardCharsets;

/** Puts model names into URL paths safely: each {@code /}-separated segment percent-encoded. */
public final class PathSegments {
    private PathSegments() {}

    /**
     * The model name as a path: {@code Qwen/Qwen2.5-7B-Instruct} stays as it is, other characters are
     * percent-encoded per segment.
     *
     * @throws IllegalArgumentException if the name is empty, has control characters (such as CR or LF) or a
     *     {@code .}/{@code ..} or empty segment that could reach another path
     */
    public static String encodeModel(String model) {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must not be empty: pass a model name such as \"Qwen/Qwen2.5-7B-Instruct\"");
        }
        StringBuilder out = new StringBuilder(model.length() + 8);
        for (String segment : model.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("Invalid model name \"" + printable(model)
                        + "\": empty, \".\" and \"..\" path segments are not allowed");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if (c < 0x20 || c == 0x7f) {
                    throw new IllegalArgumentException("Invalid model name \"" + printable(model)
                            + "\": control characters such as line breaks are not allowed");
                }
                if (isUnreserved(c)) {
                    out.append((char) c);
                } else {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@';
    }

    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
