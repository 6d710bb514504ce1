package ai.synth.lm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathSegmentsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"Qwen/Qwen2.5-7B-Instruct,Qwen/Qwen2.5-7B-Instruct", "'my model',my%20model",
            "a%2Fb,a%252Fb", "llama?x=1,llama%3Fx%3D1", "héllo,h%C3%A9llo", "org/m#1,org/m%231"})
    void keepsSlashesAndEncodesEverythingElse(String model, String path) {
        assertThat(PathSegments.encodeModel(model)).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../admin", "a/../b", "a/./b", "/abs", "a//b", "a/", ".."})
    void rejectsSegmentsThatCouldReachAnotherPath(String model) {
        assertThatThrownBy(() -> PathSegments.encodeModel(model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid model name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"m\r\nX-Injected: 1", "m\n", "m\u0000"})
    void rejectsControlCharacters(String model) {
        assertThatThrownBy(() -> PathSegments.encodeModel(model))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
    }
}
