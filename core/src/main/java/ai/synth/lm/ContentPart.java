package ai.synth.lm;

import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One part of a message's content: {@link Text}, {@link Image} or {@link Audio}. A user message may mix them; a
 * tool or system message takes text parts only.
 *
 * <pre>{@code
 * UserMessage ask = ChatMessage.user(List.of(
 *     ContentPart.text("What is in this picture?"),
 *     ContentPart.image(Files.readAllBytes(Path.of("cat.png")), "image/png")));
 * }</pre>
 *
 * Parts are immutable values and safe to share between threads.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image, ContentPart.Audio {

    /** The part type sent on the wire: {@code text}, {@code image_url} or {@code input_audio}. */
    String type();

    /**
     * A text part.
     *
     * @throws NullPointerException if {@code text} is null
     */
    static Text text(String text) {
        return new Text(text);
    }

    /**
     * An image the backend fetches from a URL ({@code https://...}), at the backend's default detail.
     *
     * @throws IllegalArgumentException if the URL is not http, https or a data URL
     */
    static Image imageUrl(String url) {
        return new Image(url, null);
    }

    /**
     * An image sent inline, as a {@code data:} URL with its media type and the bytes in base64.
     *
     * @param bytes the encoded image (PNG, JPEG, WebP, GIF, ...)
     * @param mediaType its media type, e.g. {@code image/png}
     * @throws IllegalArgumentException if the media type is not {@code image/...} or there are no bytes
     */
    static Image image(byte[] bytes, String mediaType) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(mediaType, "mediaType");
        if (!mediaType.toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw new IllegalArgumentException("mediaType must be an image type such as \"image/png\" or "
                    + "\"image/jpeg\", was \"" + mediaType + "\"");
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the image has no bytes: read the file before making the part");
        }
        return new Image("data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes), null);
    }

    /**
     * Input audio sent inline, base64-encoded.
     *
     * @param bytes the encoded audio
     * @param format {@code wav} or {@code mp3}
     * @throws IllegalArgumentException if the format is neither or there are no bytes
     */
    static Audio audio(byte[] bytes, String format) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the audio has no bytes: read the file before making the part");
        }
        return new Audio(Base64.getEncoder().encodeToString(bytes), format);
    }

    /**
     * A text part.
     *
     * @param text the text; never null
     */
    record Text(String text) implements ContentPart {
        /** Validates the text. */
        public Text {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String type() {
            return "text";
        }
    }

    /**
     * An image part ({@code image_url}).
     *
     * @param url an {@code http(s)://} URL or a {@code data:image/...;base64,...} URL; never null
     * @param detail the fidelity the model looks at: {@code auto}, {@code low} or {@code high}; null leaves it
     *     to the backend (which means {@code auto})
     */
    record Image(String url, String detail) implements ContentPart {

        private static final Pattern SCHEME = Pattern.compile("(?i)(https?://|data:image/).+", Pattern.DOTALL);

        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException if the URL is not http, https or an image data URL, or the detail is
         *     not auto, low or high
         */
        public Image {
            Objects.requireNonNull(url, "url");
            if (!SCHEME.matcher(url).matches()) {
                throw new IllegalArgumentException("image url must start with http://, https:// or data:image/, was \""
                        + abbreviate(url) + "\": pass a web address, or the bytes with ContentPart.image(bytes, type)");
            }
            if (detail != null && !detail.equals("auto") && !detail.equals("low") && !detail.equals("high")) {
                throw new IllegalArgumentException("image detail must be \"auto\", \"low\" or \"high\", was \""
                        + detail + "\"");
            }
        }

        /** This image at the given detail: {@code auto}, {@code low} or {@code high}. */
        public Image withDetail(String detail) {
            return new Image(url, detail);
        }

        @Override
        public String type() {
            return "image_url";
        }

        @Override
        public String toString() {
            return "Image[url=" + abbreviate(url) + ", detail=" + detail + "]"; // a data URL can be megabytes
        }
    }

    /**
     * An input audio part ({@code input_audio}).
     *
     * @param data the audio, base64-encoded; never null
     * @param format {@code wav} or {@code mp3}
     */
    record Audio(String data, String format) implements ContentPart {
        /**
         * Validates the fields.
         *
         * @throws IllegalArgumentException if the format is not wav or mp3
         */
        public Audio {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(format, "format");
            if (!format.equals("wav") && !format.equals("mp3")) {
                throw new IllegalArgumentException("audio format must be \"wav\" or \"mp3\", was \"" + format + "\"");
            }
        }

        @Override
        public String type() {
            return "input_audio";
        }

        @Override
        public String toString() {
            return "Audio[format=" + format + ", " + data.length() + " base64 chars]";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 48 ? s : s.substring(0, 48) + "...";
    }
}
