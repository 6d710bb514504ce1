package ai.synth.lm.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The incremental HTTP/1.1 response decoder, driven the way its callers drive it: bytes arrive into one buffer in
 * pieces, {@code head} until it is done, then {@code body} says how many bytes at the position are body bytes, the
 * caller takes some and reports them with {@code consumed}, and {@code closed} comes at the end of the stream.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class Http1DecoderTest {

    private static final String CHUNKED_RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "\r\n"
            + "5;name=value\r\n"
            + "hello\r\n"
            + "7 ; foo=\"bar\"\r\n"
            + ", world\r\n"
            + "A\r\n"
            + "0123456789\r\n"
            + "a\r\n"
            + "abcdefghij\r\n"
            + "0;last\r\n"
            + "X-Trailer: yes\r\n"
            + "X-Other: 1\r\n"
            + "\r\n";
    private static final String CHUNKED_BODY = "hello, world0123456789abcdefghij";

    private static final String FIXED_RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 11\r\n"
            + "X-Request-Id: req-1\r\n"
            + "\r\n"
            + "{\"ok\":true}";

    // ---------------------------------------------------------------- the driver

    /** What decoding a response gave. */
    record Decoded(int status, Headers headers, String body, boolean headDone, boolean complete,
            boolean reusable, boolean closedResult, int endPosition) {}

    /** Feeds {@code response} whole, takes every body byte offered, and reports EOF at the end if {@code eof}. */
    private static Decoded decode(String response, boolean eof) throws IOException {
        byte[] bytes = bytes(response);
        return decode(new Http1Decoder(), bytes, new int[] {bytes.length}, Integer.MAX_VALUE, null, eof);
    }

    /**
     * Feeds {@code bytes} in pieces of the given sizes into one growing buffer, as a socket reader would, taking
     * at most {@code maxTake} body bytes at a time (or a random amount if {@code random} is given).
     */
    private static Decoded decode(Http1Decoder decoder, byte[] bytes, int[] pieces, int maxTake, Random random,
            boolean eof) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.limit(0);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean headDone = false;
        boolean bodyDone = false;
        for (int piece : pieces) {
            in.limit(in.limit() + piece);
            if (!headDone) {
                headDone = decoder.head(in);
            }
            while (headDone && !bodyDone) {
                long available = decoder.body(in);
                if (available < 0) {
                    bodyDone = true;
                } else if (available == 0) {
                    break;
                } else {
                    assertThat(available).isLessThanOrEqualTo(in.remaining());
                    int take = (int) Math.min(available, random == null ? maxTake : 1 + random.nextInt(8));
                    byte[] part = new byte[take];
                    in.get(part);
                    body.write(part, 0, take);
                    decoder.consumed(take);
                }
            }
        }
        boolean closedResult = false;
        if (eof) {
            closedResult = decoder.closed();
        }
        return new Decoded(decoder.status(), headDone ? decoder.headers() : null,
                body.toString(StandardCharsets.ISO_8859_1), headDone, decoder.complete(), decoder.reusable(),
                closedResult, in.position());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static ProtocolException protocolError(String response) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> decode(response, false));
        assertThat(thrown).isInstanceOf(ProtocolException.class);
        return (ProtocolException) thrown;
    }

    // ---------------------------------------------------------------- framing

    @Test
    void readsABodyFramedByContentLengthAndLeavesTheConnectionReusable() throws IOException {
        Decoded d = decode(FIXED_RESPONSE, false);

        assertThat(d.status()).isEqualTo(200);
        assertThat(d.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(d.headers().firstValue("X-REQUEST-ID")).hasValue("req-1");
        assertThat(d.headers().firstValueAsLong("Content-Length")).hasValue(11);
        assertThat(d.body()).isEqualTo("{\"ok\":true}");
        assertThat(d.complete()).isTrue();
        assertThat(d.reusable()).isTrue();
    }

    @Test
    void headStopsAtTheFirstBodyByte() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        ByteBuffer in = ByteBuffer.wrap(bytes(FIXED_RESPONSE));

        assertThat(decoder.head(in)).isTrue();

        assertThat(in.position()).isEqualTo(FIXED_RESPONSE.indexOf("{"));
        assertThat(decoder.body(in)).isEqualTo(11);
        assertThat(decoder.complete()).isFalse();
    }

    @Test
    void offersOnlyTheBytesOfThisBodyAndLeavesTheNextResponseUnread() throws IOException {
        String next = "HTTP/1.1 204 No Content\r\n\r\n";
        byte[] both = bytes(FIXED_RESPONSE + next);

        Decoded d = decode(new Http1Decoder(), both, new int[] {both.length}, Integer.MAX_VALUE, null, false);

        assertThat(d.body()).isEqualTo("{\"ok\":true}");
        assertThat(d.complete()).isTrue();
        assertThat(d.endPosition()).isEqualTo(FIXED_RESPONSE.length());
    }

    @Test
    void keepsAnsweringMinusOneOnceTheBodyIsComplete() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        ByteBuffer in = ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nextra"));

        assertThat(decoder.head(in)).isTrue();

        assertThat(decoder.body(in)).isEqualTo(-1);
        assertThat(decoder.body(in)).isEqualTo(-1);
        assertThat(in.remaining()).isEqualTo(5);
        assertThat(decoder.complete()).isTrue();
        assertThat(decoder.reusable()).isTrue();
    }

    @Test
    void asksForMoreInputWhileAContentLengthBodyIsIncomplete() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        byte[] bytes = bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd");
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.limit(bytes.length - 4);

        assertThat(decoder.head(in)).isTrue();
        assertThat(decoder.body(in)).isZero();

        in.limit(bytes.length - 2);
        assertThat(decoder.body(in)).isEqualTo(2);
        in.position(in.position() + 2);
        decoder.consumed(2);
        assertThat(decoder.body(in)).isZero();
        assertThat(decoder.complete()).isFalse();

        in.limit(bytes.length);
        assertThat(decoder.body(in)).isEqualTo(2);
        in.position(in.position() + 2);
        decoder.consumed(2);
        assertThat(decoder.body(in)).isEqualTo(-1);
        assertThat(decoder.complete()).isTrue();
    }

    @Test
    void readsAChunkedBodyWithChunkExtensionsAndTrailers() throws IOException {
        Decoded d = decode(CHUNKED_RESPONSE, false);

        assertThat(d.status()).isEqualTo(200);
        assertThat(d.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(d.body()).isEqualTo(CHUNKED_BODY);
        assertThat(d.complete()).isTrue();
        assertThat(d.reusable()).isTrue();
        assertThat(d.endPosition()).isEqualTo(CHUNKED_RESPONSE.length());
        // trailers are consumed, not merged into the head's fields
        assertThat(d.headers().firstValue("X-Trailer")).isEmpty();
    }

    @Test
    void aChunkedBodyIsCompleteOnlyAfterTheEmptyLineThatEndsTheTrailers() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        String upToTrailer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n";
        byte[] bytes = bytes(upToTrailer + "\r\n");

        Decoded partial = decode(decoder, bytes, new int[] {upToTrailer.length()}, Integer.MAX_VALUE, null, false);
        assertThat(partial.body()).isEqualTo("hi");
        assertThat(partial.complete()).isFalse();

        ByteBuffer rest = ByteBuffer.wrap(bytes("\r\n"));
        assertThat(decoder.body(rest)).isEqualTo(-1);
        assertThat(decoder.complete()).isTrue();
        assertThat(decoder.reusable()).isTrue();
    }

    @Test
    void readsAChunkedBodyThatEndsWithoutTrailers() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false);

        assertThat(d.body()).isEqualTo("abc");
        assertThat(d.complete()).isTrue();
        assertThat(d.reusable()).isTrue();
    }

    @Test
    void chunkedWinsOverAContentLengthSentAlongside() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n\r\n", false);

        assertThat(d.body()).isEqualTo("abc");
        assertThat(d.complete()).isTrue();
    }

    // ---------------------------------------------------------------- any split

    @Test
    void aResponseFedOneByteAtATimeDecodesTheSame() throws IOException {
        for (String response : List.of(FIXED_RESPONSE, CHUNKED_RESPONSE)) {
            byte[] bytes = bytes(response);
            Decoded whole = decode(response, false);
            int[] ones = new int[bytes.length];
            java.util.Arrays.fill(ones, 1);

            Decoded split = decode(new Http1Decoder(), bytes, ones, 1, null, false);

            assertSameDecoding(split, whole);
        }
    }

    @Test
    void aResponseFedInRandomSplitsDecodesTheSame() throws IOException {
        String continueFirst = "HTTP/1.1 100 Continue\r\n\r\n" + CHUNKED_RESPONSE;
        for (String response : List.of(FIXED_RESPONSE, CHUNKED_RESPONSE, continueFirst)) {
            byte[] bytes = bytes(response);
            Decoded whole = decode(response, false);
            for (long seed = 0; seed < 200; seed++) {
                Random random = new Random(seed);
                int[] pieces = randomSplit(bytes.length, random);

                Decoded split = decode(new Http1Decoder(), bytes, pieces, Integer.MAX_VALUE, random, false);

                assertThat(split).as("seed %d, pieces %s", seed, java.util.Arrays.toString(pieces))
                        .satisfies(s -> assertSameDecoding(s, whole));
            }
        }
    }

    private static int[] randomSplit(int length, Random random) {
        int[] pieces = new int[length];
        int n = 0;
        for (int left = length; left > 0; ) {
            int size = random.nextInt(4) == 0 ? 0 : Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 3 : 40));
            pieces[n++] = size;
            left -= size;
            if (n == pieces.length && left > 0) {
                pieces[n - 1] += left;
                left = 0;
            }
        }
        return java.util.Arrays.copyOf(pieces, n);
    }

    private static void assertSameDecoding(Decoded actual, Decoded expected) {
        assertThat(actual.status()).isEqualTo(expected.status());
        assertThat(actual.headers()).isEqualTo(expected.headers());
        assertThat(actual.body()).isEqualTo(expected.body());
        assertThat(actual.complete()).isTrue();
        assertThat(actual.reusable()).isEqualTo(expected.reusable());
        assertThat(actual.endPosition()).isEqualTo(expected.endPosition());
    }

    // ---------------------------------------------------------------- connection reuse

    @Test
    void aBodyWithoutLengthEndsWhenTheConnectionClosesAndTheConnectionIsNotReused() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        byte[] bytes = bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this, until the end");

        Decoded d = decode(decoder, bytes, new int[] {30, 10, bytes.length - 40}, Integer.MAX_VALUE, null, false);
        assertThat(d.body()).isEqualTo("all of this, until the end");
        assertThat(d.complete()).isFalse();
        assertThat(decoder.body(ByteBuffer.allocate(0))).isZero();

        assertThat(decoder.closed()).isTrue();

        assertThat(decoder.complete()).isTrue();
        assertThat(decoder.reusable()).isFalse();
        assertThat(decoder.body(ByteBuffer.allocate(0))).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "Close", "keep-alive, close"})
    void aResponseAskingToCloseTheConnectionIsNotReusable(String connection) throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nConnection: " + connection + "\r\nContent-Length: 2\r\n\r\nok", false);

        assertThat(d.body()).isEqualTo("ok");
        assertThat(d.complete()).isTrue();
        assertThat(d.reusable()).isFalse();
    }

    @Test
    void aKeepAliveResponseIsReusable() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false);

        assertThat(d.reusable()).isTrue();
    }

    @Test
    void anHttp10ResponseIsNotReusable() throws IOException {
        Decoded d = decode("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false);

        assertThat(d.status()).isEqualTo(200);
        assertThat(d.body()).isEqualTo("ok");
        assertThat(d.complete()).isTrue();
        assertThat(d.reusable()).isFalse();
    }

    @Test
    void isNotReusableBeforeTheBodyIsComplete() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        ByteBuffer in = ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"));

        assertThat(decoder.reusable()).isFalse();
        assertThat(decoder.head(in)).isTrue();
        assertThat(decoder.reusable()).isFalse();
    }

    // ---------------------------------------------------------------- bodiless and interim responses

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void noContentAndNotModifiedHaveNoBodyWhateverTheirHeadersSay(int status) throws IOException {
        String head = "HTTP/1.1 " + status + " X\r\nContent-Length: 42\r\nTransfer-Encoding: chunked\r\n\r\n";
        Http1Decoder decoder = new Http1Decoder();
        ByteBuffer in = ByteBuffer.wrap(bytes(head + "HTTP/1.1 200 OK\r\n"));

        assertThat(decoder.head(in)).isTrue();

        assertThat(decoder.status()).isEqualTo(status);
        assertThat(decoder.body(in)).isEqualTo(-1);
        assertThat(in.position()).isEqualTo(head.length());
        assertThat(decoder.complete()).isTrue();
        assertThat(decoder.reusable()).isTrue();
    }

    @Test
    void skipsA100ContinueHeadAndItsFieldsBeforeTheRealHead() throws IOException {
        Decoded d = decode("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", false);

        assertThat(d.status()).isEqualTo(201);
        assertThat(d.headers().firstValue("X-Interim")).isEmpty();
        assertThat(d.headers().firstValue("Link")).isEmpty();
        assertThat(d.headers().firstValue("Content-Length")).hasValue("2");
        assertThat(d.body()).isEqualTo("ok");
        assertThat(d.complete()).isTrue();
    }

    @Test
    void headIsNotDoneAfterOnlyAn100ContinueHead() throws IOException {
        Http1Decoder decoder = new Http1Decoder();

        assertThat(decoder.head(ByteBuffer.wrap(bytes("HTTP/1.1 100 Continue\r\n\r\n")))).isFalse();
        assertThat(decoder.started()).isTrue();
    }

    @Test
    void keepsRepeatedFieldsInOrderAndLooksNamesUpIgnoringCase() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Spaced:   v  \r\n"
                + "X-Tabbed \t:\t in  side \t\r\nX-Empty:\r\nX-Latin: caf\u00e9\r\nContent-Length: 0\r\n\r\n", false);

        assertThat(d.headers().allValues("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(d.headers().firstValue("x-spaced")).hasValue("v");
        assertThat(d.headers().firstValue("x-tabbed")).hasValue("in  side");
        assertThat(d.headers().firstValue("x-empty")).hasValue("");
        assertThat(d.headers().firstValue("x-latin")).hasValue("caf\u00e9");
    }

    @Test
    void acceptsAStatusLineWithoutReasonPhrase() throws IOException {
        Decoded d = decode("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", false);

        assertThat(d.status()).isEqualTo(200);
        assertThat(d.complete()).isTrue();
    }

    // ---------------------------------------------------------------- malformed responses

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/2 200 OK",
            "HTTP/2.0 200 OK",
            "ICY 200 OK",
            "HTTP/1.1 2x0 OK",
            "HTTP/1.1 200OK",
            "HTTP/1.1  200 OK",
            "HTTP/1.1",
            "<html><body>hello</body></html>",
            ""})
    void rejectsAMalformedStatusLine(String statusLine) {
        ProtocolException e = protocolError(statusLine + "\r\nContent-Length: 0\r\n\r\n");

        assertThat(e).hasMessageContaining("Not an HTTP/1.1 status line")
                .hasMessageContaining("\"" + statusLine + "\"");
    }

    @Test
    void showsAnUnprintableStatusLineSafely() {
        ProtocolException e = protocolError("\u0000\u0001binary garbage here\r\n\r\n");

        assertThat(e).hasMessageContaining("Not an HTTP/1.1 status line").hasMessageContaining("??binary garbage");
    }

    @Test
    void rejectsAHeaderLineWithoutAColon() {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nthis is not a field\r\n\r\n");

        assertThat(e).hasMessageContaining("Malformed header line").hasMessageContaining("this is not a field");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "", "   ", ";ext=1", "0x10", "1234567890abcdef0", "5 5"})
    void rejectsAMalformedChunkSize(String size) {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + size + "\r\nhello\r\n0\r\n\r\n");

        assertThat(e).hasMessageContaining("Malformed chunk size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-5"})
    void rejectsANegativeChunkSize(String size) {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n" + size + "\r\nhello\r\n0\r\n\r\n");

        assertThat(e).hasMessageContaining("Malformed chunk size");
    }

    @Test
    void rejectsAnUnsupportedTransferEncoding() {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx");

        assertThat(e).hasMessageContaining("Unsupported transfer encoding").hasMessageContaining("gzip");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "", "1.5", "99999999999999999999999", "+5", "1 2", "5\t,"})
    void rejectsABadContentLength(String length) {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nhello");

        assertThat(e).hasMessageContaining("Malformed Content-Length");
    }

    @Test
    void rejectsConflictingContentLengthValues() {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");

        assertThat(e).hasMessageContaining("Malformed Content-Length").hasMessageContaining("5")
                .hasMessageContaining("6");
    }

    @Test
    void acceptsARepeatedContentLengthOfTheSameValue() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello", false);

        assertThat(d.body()).isEqualTo("hello");
        assertThat(d.complete()).isTrue();
    }

    @Test
    void rejectsAChunkNotFollowedByItsLineEnd() {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhelloXX\r\n0\r\n\r\n");

        assertThat(e).hasMessageContaining("no line end after a chunk");
    }

    @Test
    void rejectsAHeadLargerThanTheLimit() {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
        String value = "v".repeat(1000);
        for (int i = 0; head.length() <= Http1Decoder.MAX_HEAD; i++) {
            head.append("X-Field-").append(i).append(": ").append(value).append("\r\n");
        }
        head.append("Content-Length: 0\r\n\r\n");

        ProtocolException e = protocolError(head.toString());

        assertThat(e).hasMessageContaining("head larger than " + Http1Decoder.MAX_HEAD + " bytes");
    }

    @Test
    void rejectsAHeadLargerThanTheLimitEvenWhenItArrivesInPieces() {
        Http1Decoder decoder = new Http1Decoder();
        ByteBuffer line = ByteBuffer.wrap(bytes("X-Field: " + "v".repeat(500) + "\r\n"));

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
            assertThat(decoder.head(ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\n")))).isFalse();
            for (int i = 0; i < 1000; i++) {
                assertThat(decoder.head(line.duplicate())).isFalse();
            }
        });

        assertThat(thrown).isInstanceOf(ProtocolException.class).hasMessageContaining("head larger than");
    }

    @Test
    void acceptsHeadLinesUpToTheLimitWhateverTheirLength() throws IOException {
        String value = "v".repeat(Http1Decoder.MAX_LINE - "X-Long: ".length() - 2); // with its CR, one under the limit
        Decoded d = decode("HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\nX-Short: s\r\nContent-Length: 2\r\n\r\nok",
                false);

        assertThat(d.headers().firstValue("x-long")).contains(value);
        assertThat(d.headers().firstValue("x-short")).contains("s");
        assertThat(d.body()).isEqualTo("ok");
    }

    @Test
    void rejectsAnOverLongHeadLine() {
        ProtocolException e = protocolError("HTTP/1.1 200 OK\r\nX-Huge: " + "v".repeat(10_000) + "\r\n\r\n");

        assertThat(e).hasMessageContaining("line longer than");
    }

    @Test
    void rejectsBodyReadsBeforeTheHead() {
        assertThatThrownBy(() -> new Http1Decoder().body(ByteBuffer.wrap(bytes("HTTP/1.1"))))
                .isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void aBodyCutShortBeforeItsContentLengthIsNotComplete() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcd", true);

        assertThat(d.body()).isEqualTo("abcd");
        assertThat(d.closedResult()).isFalse();
        assertThat(d.complete()).isFalse();
        assertThat(d.reusable()).isFalse();
    }

    @Test
    void aChunkedBodyCutShortInsideAChunkIsNotComplete() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", true);

        assertThat(d.body()).isEqualTo("hel");
        assertThat(d.closedResult()).isFalse();
        assertThat(d.complete()).isFalse();
    }

    @Test
    void aChunkedBodyCutShortBeforeItsLastChunkIsNotComplete() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", true);

        assertThat(d.body()).isEqualTo("hello");
        assertThat(d.closedResult()).isFalse();
        assertThat(d.complete()).isFalse();
    }

    @Test
    void aChunkedBodyCutShortInItsTrailersIsNotComplete() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n",
                true);

        assertThat(d.closedResult()).isFalse();
        assertThat(d.complete()).isFalse();
    }

    @Test
    void aHeadCutShortIsNotComplete() throws IOException {
        Decoded d = decode("HTTP/1.1 200 OK\r\nContent-Le", true);

        assertThat(d.headDone()).isFalse();
        assertThat(d.closedResult()).isFalse();
        assertThat(d.complete()).isFalse();
    }

    @Test
    void aCompleteBodyStaysCompleteWhenTheConnectionThenCloses() throws IOException {
        Decoded d = decode(FIXED_RESPONSE, true);

        assertThat(d.closedResult()).isTrue();
        assertThat(d.complete()).isTrue();
    }

    // ---------------------------------------------------------------- started

    @Test
    void hasNotStartedBeforeAnyByte() throws IOException {
        Http1Decoder decoder = new Http1Decoder();
        assertThat(decoder.started()).isFalse();

        assertThat(decoder.head(ByteBuffer.allocate(0))).isFalse();
        assertThat(decoder.started()).isFalse();

        assertThat(decoder.head(ByteBuffer.wrap(bytes("H")))).isFalse();
        assertThat(decoder.started()).isTrue();
        assertThat(decoder.complete()).isFalse();
    }
}
