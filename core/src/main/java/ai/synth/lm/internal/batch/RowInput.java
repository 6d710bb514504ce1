package ai.synth.lm.internal.batch;

import java.util.Iterator;
import java.util.Objects;
import java.util.function.Function;

/**
 * A batch's requests handed over as rows (a Spark partition's, say) instead of read from a file: each row gives a
 * {@code custom_id} and a request body in JSON. Rows are numbered from 1 in the order given; that number stands for
 * the line number of a file, so a row that cannot be sent is reported once across runs over the same rows.
 *
 * @param <T> the row type
 */
public final class RowInput<T> implements InputSource {

    private final Iterator<T> rows;
    private final Function<T, String> customId;
    private final Function<T, String> body;
    private final String name;
    private final String model;
    private long number;

    /**
     * Rows read through {@code customId} and {@code body}; {@code name} names the set in messages (e.g.
     * {@code "partition 3"}), and {@code model}, when not null, replaces each body's model.
     */
    public RowInput(Iterator<T> rows, Function<T, String> customId, Function<T, String> body, String name,
            String model) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.customId = Objects.requireNonNull(customId, "customId");
        this.body = Objects.requireNonNull(body, "body");
        this.name = Objects.requireNonNull(name, "name");
        this.model = model;
    }

    @Override
    public InputLine next() {
        if (!rows.hasNext()) {
            return null;
        }
        T row = rows.next();
        number++;
        return InputReader.parseBody(number, name + ", row " + number, customId.apply(row), body.apply(row), model);
    }

    @Override
    public void close() {}
}
