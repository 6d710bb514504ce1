package ai.synth.lm.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import ai.synth.lm.UserMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputReaderTest {

    @TempDir
    Path dir;

    @Test
    void aLineThatIsNotUtf8IsReportedByNumberAndTheLinesAfterItAreRead() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(line("a", "caf\u00e9").getBytes(StandardCharsets.UTF_8));
        file.writeBytes("{\"custom_id\":\"b\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""
                .getBytes(StandardCharsets.UTF_8));
        file.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, '"', '}', ']', '}', '}', '\n'});
        file.writeBytes(("\u3000\r\n" + line("c", "\u20ac")).getBytes(StandardCharsets.UTF_8));

        List<InputLine> lines = read(file.toByteArray());

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isInstanceOfSatisfying(InputLine.Request.class,
                r -> assertThat(((UserMessage) r.request().messages().get(0)).content()).isEqualTo("caf\u00e9"));
        assertThat(lines.get(1)).isInstanceOfSatisfying(InputLine.Bad.class, bad -> {
            assertThat(bad.lineNumber()).isEqualTo(2);
            assertThat(bad.code()).isEqualTo(InputReader.MALFORMED);
            assertThat(bad.message()).startsWith("line 2 is not valid JSON at column ");
        });
        assertThat(lines.get(2)).isInstanceOfSatisfying(InputLine.Request.class, r -> {
            assertThat(r.lineNumber()).isEqualTo(4);
            assertThat(r.customId()).isEqualTo("c");
        });
    }

    @Test
    void namesTheColumnWhereTheLineStopsBeingJson() throws IOException {
        List<InputLine> lines = read("{\"custom_id\": x}\n".getBytes(StandardCharsets.UTF_8));

        assertThat(lines).singleElement().isInstanceOfSatisfying(InputLine.Bad.class,
                bad -> assertThat(bad.message()).isEqualTo("line 1 is not valid JSON at column 15"));
    }

    @Test
    void aMessageThatIsWrongIsNamedByItsPlaceInTheLine() throws IOException {
        String head = "{\"custom_id\":\"x\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"ok\"},";
        List<InputLine> lines = read((head + "{\"role\":7,\"content\":\"a\"}]}}\n"
                + head + "{\"role\":\"user\",\"content\":3}]}}\n"
                + head + "{\"role\":\"robot\",\"content\":\"a\"}]}}\n"
                + head + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":false}]}]}}\n"
                + "{\"custom_id\":\"y\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
                + "\"metadata\":{\"team\":1}}}\n").getBytes(StandardCharsets.UTF_8));

        assertThat(lines).hasSize(5).allSatisfy(line -> assertThat(line).isInstanceOf(InputLine.Bad.class));
        assertThat(((InputLine.Bad) lines.get(3)).message()).contains("\"messages[1].content[].text\" must be a string");
        assertThat(((InputLine.Bad) lines.get(4)).message()).contains("\"metadata.team\" must be a string");
        assertThat(((InputLine.Bad) lines.get(0)).message()).contains("\"messages[1].role\" must be a string");
        assertThat(((InputLine.Bad) lines.get(1)).message()).contains("\"messages[1].content\" must be a string");
        assertThat(((InputLine.Bad) lines.get(2)).message())
                .contains("messages[1].role must be system, developer, user, assistant or tool");
    }

    @Test
    void eachLineReadsAsItWouldAloneWhateverCameBeforeIt() throws IOException {
        String good = line("g", "hi \\\"there\\\" caf\u00e9").strip();
        List<String> texts = List.of(good,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"bare\"}],\"temperature\":0.5,"
                        + "\"seed\":12345678901234,\"x\":{\"n\":1e999,\"l\":[1,[2,{}]]}}",
                "{\"custom_id\":\"cut\",\"body\":{\"model\":\"m\",\"messages\":[",
                good,
                "{\"custom_id\":\"inner\",\"body\":{\"model\":\"m\",\"messages\":[]},\"x\":{\"a\":{\"b\":1",
                good,
                good + " {\"custom_id\":\"second\"}",
                good + "   \t",
                good + "x",
                good + "}",
                "[1,2]", "\"text\"", "42", "nul", "}", "{\"custom_id\":\"open\"",
                "\ufeff" + good,
                "{\"custom_id\":\"dup\",\"custom_id\":\"dup2\",\"body\":{\"model\":\"a\",\"model\":\"b\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}",
                good);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (String text : texts) {
            file.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
        }

        List<InputLine> lines = read(file.toByteArray());

        assertThat(lines).hasSize(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            byte[] alone = texts.get(i).getBytes(StandardCharsets.UTF_8);
            assertThat(lines.get(i)).as(texts.get(i)).isEqualTo(InputReader.parse(i + 1, alone, alone.length, null));
        }
        assertThat(lines).filteredOn(InputLine.Request.class::isInstance).hasSizeGreaterThan(5);
        assertThat(lines).filteredOn(InputLine.Bad.class::isInstance).hasSizeGreaterThan(5);
    }

    private List<InputLine> read(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("in.jsonl"), bytes);
        List<InputLine> lines = new ArrayList<>();
        try (InputReader reader = new InputReader(file, null)) {
            for (InputLine line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static String line(String id, String content) {
        return "{\"custom_id\":\"" + id + "\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]}}\n";
    }
}
