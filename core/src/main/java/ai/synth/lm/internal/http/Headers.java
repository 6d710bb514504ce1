package ai.synth.lm.internal.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The header fields of a request or response, in the order they came: names compared without regard to case, as
 * HTTP says. A handful of fields is the rule, so a lookup scans a flat array instead of building a map per response.
 * Immutable; {@link #toString()} names the fields but shows no value, since one may be a credential.
 */
public final class Headers {

    /** No fields. */
    public static final Headers EMPTY = new Headers(new String[0]);

    /** Names at even indexes, each followed by its value. */
    private final String[] fields;

    private Headers(String[] fields) {
        this.fields = fields;
    }

    /** Fields from name-value pairs: {@code of("Content-Type", "application/json", "X-Request-Id", "abc")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of takes name-value pairs; got an odd number of strings");
        }
        return new Headers(namesAndValues.clone());
    }

    /** Fields from a map of names to values, such as the JDK client's headers. */
    public static Headers of(Map<String, List<String>> map) {
        Builder b = new Builder();
        map.forEach((name, values) -> values.forEach(value -> b.add(name, value)));
        return b.build();
    }

    /** These fields and {@code name: value} after them. */
    public Headers with(String name, String value) {
        String[] more = Arrays.copyOf(fields, fields.length + 2);
        more[fields.length] = name;
        more[fields.length + 1] = value;
        return new Headers(more);
    }

    /** The first value of {@code name}, if the field is there. */
    public Optional<String> firstValue(String name) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return Optional.of(fields[i + 1]);
            }
        }
        return Optional.empty();
    }

    /** The first value of {@code name} as a number, if the field is there and holds one. */
    public OptionalLong firstValueAsLong(String name) {
        Optional<String> value = firstValue(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.get().trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Every value of {@code name}, in order; empty if the field is not there. */
    public List<String> allValues(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                values.add(fields[i + 1]);
            }
        }
        return values;
    }

    /** How many fields there are (a name given twice counts twice). */
    public int size() {
        return fields.length / 2;
    }

    /** The name of field {@code i}, as it was given. */
    public String name(int i) {
        return fields[2 * i];
    }

    /** The value of field {@code i}. */
    public String value(int i) {
        return fields[2 * i + 1];
    }

    /** Equal to another with the same fields in the same order, names compared as given. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Headers h && Arrays.equals(fields, h.fields);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fields);
    }

    /** The field names, lower-cased; never a value. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Headers[");
        for (int i = 0; i < fields.length; i += 2) {
            s.append(i == 0 ? "" : ", ").append(fields[i].toLowerCase(Locale.ROOT));
        }
        return s.append(']').toString();
    }

    /** Collects fields in order. Not thread-safe. */
    public static final class Builder {
        private final ArrayList<String> fields = new ArrayList<>(24);

        /** Adds {@code name: value}. */
        public Builder add(String name, String value) {
            fields.add(name);
            fields.add(value);
            return this;
        }

        /** The fields added so far. */
        public Headers build() {
            return new Headers(fields.toArray(new String[0]));
        }
    }
}
