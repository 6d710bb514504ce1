package ai.synth.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The log probabilities of a choice's tokens, returned when the request asked for {@code logprobs(true)}. Read
 * them with {@link Choice#logprobs()}.
 *
 * <pre>{@code
 * for (Logprobs.Token t : response.choices().get(0).logprobs().content()) {
 *     System.out.println(t.token() + " " + Math.exp(t.logprob()));
 * }
 * }</pre>
 *
 * @param content the tokens of the content, in order; never null
 * @param refusal the tokens of a refusal, in order; never null
 */
public record Logprobs(List<Token> content, List<Token> refusal) {

    /** Copies the lists; null becomes empty. */
    public Logprobs {
        content = content == null ? List.of() : List.copyOf(content);
        refusal = refusal == null ? List.of() : List.copyOf(refusal);
    }

    /**
     * One output token.
     *
     * @param token the token text; never null
     * @param logprob its log probability ({@code -9999.0} when it is very unlikely)
     * @param bytes its UTF-8 bytes, or null when the backend sent none
     * @param topLogprobs the most likely tokens at this position, as many as {@code top_logprobs} asked (or
     *     fewer); never null
     */
    public record Token(String token, double logprob, List<Integer> bytes, List<TopLogprob> topLogprobs) {
        /** Validates the token and copies the lists. */
        public Token {
            Objects.requireNonNull(token, "token");
            bytes = bytes == null ? null : List.copyOf(bytes);
            topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
        }
    }

    /**
     * One likely token at a position.
     *
     * @param token the token text; never null
     * @param logprob its log probability
     * @param bytes its UTF-8 bytes, or null when the backend sent none
     */
    public record TopLogprob(String token, double logprob, List<Integer> bytes) {
        /** Validates the token and copies the bytes. */
        public TopLogprob {
            Objects.requireNonNull(token, "token");
            bytes = bytes == null ? null : List.copyOf(bytes);
        }
    }

    /** The records of a {@code logprobs} JSON value as the codec keeps it (maps and lists); null when absent. */
    static Logprobs fromJson(Object json) {
        if (!(json instanceof Map<?, ?> map)) {
            return null;
        }
        return new Logprobs(tokens(map.get("content")), tokens(map.get("refusal")));
    }

    private static List<Token> tokens(Object json) {
        List<Token> tokens = new ArrayList<>();
        if (json instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> t) {
                    List<TopLogprob> top = new ArrayList<>();
                    if (t.get("top_logprobs") instanceof List<?> alternatives) {
                        for (Object a : alternatives) {
                            if (a instanceof Map<?, ?> alt) {
                                top.add(new TopLogprob(text(alt), number(alt), bytes(alt)));
                            }
                        }
                    }
                    tokens.add(new Token(text(t), number(t), bytes(t), top));
                }
            }
        }
        return tokens;
    }

    private static String text(Map<?, ?> json) {
        return json.get("token") instanceof String s ? s : "";
    }

    private static double number(Map<?, ?> json) {
        return json.get("logprob") instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static List<Integer> bytes(Map<?, ?> json) {
        if (!(json.get("bytes") instanceof List<?> list)) {
            return null;
        }
        List<Integer> bytes = new ArrayList<>(list.size());
        for (Object b : list) {
            if (b instanceof Number n) {
                bytes.add(n.intValue());
            }
        }
        return bytes;
    }
}
