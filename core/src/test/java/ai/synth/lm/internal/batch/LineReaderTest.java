package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 65_536})
    void endsLinesAtLineFeedCarriageReturnOrBothWhereverTheReadsSplitThem(int bytesPerRead) throws IOException {
        String text = "a\nbb\r\ncc\rd\r\r\n\n\u00e9\u20ac\r";

        assertThat(lines(text, bytesPerRead)).containsExactly("a", "bb", "cc", "d", "", "", "\u00e9\u20ac");
        assertThat(lines(text, bytesPerRead)).isEqualTo(text.lines().toList());
    }

    @Test
    void readsALastLineWithoutItsEndAndNoLineFromAnEmptyInput() throws IOException {
        assertThat(lines("one\ntwo", 7)).containsExactly("one", "two");
        assertThat(lines("", 7)).isEmpty();
        assertThat(lines("\n", 7)).containsExactly("");
    }

    @Test
    void readsALineLongerThanItsBuffersWholeAndTheNextOneAfterIt() throws IOException {
        String huge = "x".repeat(3_000_000);

        List<String> lines = lines(huge + "\r\n" + "short\n" + huge, 65_536);

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(huge);
        assertThat(lines.get(1)).isEqualTo("short");
        assertThat(lines.get(2)).isEqualTo(huge);
    }

    @Test
    void tellsBlankLinesAsStringIsBlankDoes() {
        Stream.of("", " \t", "\u2003\u3000 ", "\u00a0", " x ", "\u00e9", "\u001c\u000b\f").forEach(line -> {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertThat(InputReader.isBlank(bytes, bytes.length)).as("[%s]", line).isEqualTo(line.isBlank());
        });
    }

    private static List<String> lines(String text, int bytesPerRead) throws IOException {
        List<String> lines = new ArrayList<>();
        try (LineReader reader = new LineReader(new Trickle(text.getBytes(StandardCharsets.UTF_8), bytesPerRead))) {
            while (reader.next()) {
                lines.add(new String(reader.bytes(), 0, reader.length(), StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    /** Hands out at most {@code step} bytes a read, as a pipe or a slow disk may. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final int step;

        Trickle(byte[] bytes, int step) {
            this.in = new ByteArrayInputStream(bytes);
            this.step = step;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, step));
        }
    }
}
