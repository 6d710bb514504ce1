package ai.synth.lm;

/** The name a derived schema gets on the wire: the class's simple name, cut to what the API accepts. */
final class SchemaName {
    private SchemaName() {}

    static String of(Class<?> type) {
        String simple = type.getSimpleName().replaceAll("[^a-zA-Z0-9_-]", "_");
        if (simple.isEmpty()) {
            simple = "answer"; // an anonymous class
        }
        return simple.length() > 64 ? simple.substring(0, 64) : simple;
    }
}
