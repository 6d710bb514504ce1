package ai.synth.lm.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadFieldsTest {

    @ParameterizedTest(name = "{0} fields")
    @ValueSource(ints = {0, 1, 2, 3, 8, 9, 40})
    void behavesAsAnOrderedReadOnlyMapOfWhatWasAdded(int count) {
        ReadFields fields = new ReadFields();
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Object value = i % 3 == 0 ? null : "v" + i; // explicit nulls are kept
            fields.add("k" + (count - i), value);
            expected.put("k" + (count - i), value);
        }
        if (count > 1) { // a repeated name keeps its place and takes the later value
            fields.add("k" + count, "again");
            expected.put("k" + count, "again");
        }

        assertThat(fields).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(fields.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(fields.values()).containsExactlyElementsOf(expected.values());
        assertThat(fields.size()).isEqualTo(expected.size());
        for (String key : expected.keySet()) {
            assertThat(fields.containsKey(key)).isTrue();
            assertThat(fields.get(key)).isEqualTo(expected.get(key));
        }
        assertThat(fields.containsKey("absent")).isFalse();
        assertThat(fields.get("absent")).isNull();
        assertThatThrownBy(() -> fields.put("new", 1)).isInstanceOf(UnsupportedOperationException.class);
        if (count > 0) {
            assertThatThrownBy(() -> fields.entrySet().iterator().next().setValue("x"))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> fields.remove(expected.keySet().iterator().next()))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
