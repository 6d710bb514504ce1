package ai.synth.lm.internal.batch;

import ai.synth.lm.ApiException;
import ai.synth.lm.AuthenticationException;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.ConnectionException;
import ai.synth.lm.InvalidResponseException;
import ai.synth.lm.RawResponse;
import ai.synth.lm.RateLimitException;
import ai.synth.lm.RequestTimeoutException;
import ai.synth.lm.SynthLMException;
import ai.synth.lm.internal.wire.CompletionJson;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * Result lines in the shape of OpenAI's {@code BatchRequestOutput}: {@code id}, {@code custom_id}, then either a
 * {@code response} ({@code status_code}, {@code request_id}, {@code body}) or an {@code error} ({@code code},
 * {@code message}). Lines about the input itself (malformed, duplicate) also carry the input's {@code line}.
 */
final class OutputLines {
    private OutputLines() {}

    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * A completed request. When {@code bodyChecked} (the answer came from this library's HTTP engine, which read its
     * body as exactly one JSON object with nothing after it) the body is the response's own JSON, the whitespace
     * between its tokens left out so that it takes one line: fields this library does not model, and nulls, are kept
     * as the server sent them. Otherwise (a provider of the caller's own, a body in UTF-16) the parsed completion is
     * written back in the OpenAI shape.
     */
    static byte[] success(String id, String customId, RawResponse<ChatCompletion> answer, boolean bodyChecked) {
        ByteBuffer body = answer.bodyBuffer();
        int start = bodyChecked ? objectStart(body) : -1;
        String requestId = answer.requestId().orElse(null);
        if (start < 0) {
            return write(g -> {
                start(g, id, customId);
                g.writeObjectFieldStart("response");
                g.writeNumberField("status_code", answer.statusCode());
                g.writeStringField("request_id", requestId);
                g.writeFieldName("body");
                CompletionJson.write(g, answer.parsed());
                g.writeEndObject();
                g.writeNullField("error");
            });
        }
        LineBuffer out = LineBuffer.get();
        out.ascii("{\"id\":");
        out.quoted(id);
        out.ascii(",\"custom_id\":");
        out.quoted(customId);
        out.ascii(",\"response\":{\"status_code\":");
        out.ascii(Integer.toString(answer.statusCode()));
        out.ascii(",\"request_id\":");
        out.quoted(requestId);
        out.ascii(",\"body\":");
        out.writeCompact(body.position(start));
        out.ascii("},\"error\":null}");
        return out.take();
    }

    /**
     * Where the body's JSON object starts, after a byte order mark and whitespace; -1 when it does not start with
     * one in UTF-8 (no body; UTF-16 or UTF-32, which put a zero byte before or after the brace). The parser that read
     * the body takes no comments, unescaped control characters or content after the object, so from its brace on a
     * UTF-8 body is a JSON object as it stands.
     */
    static int objectStart(ByteBuffer body) {
        int i = body.position();
        int end = body.limit();
        if (end - i >= 3 && body.get(i) == (byte) 0xEF && body.get(i + 1) == (byte) 0xBB
                && body.get(i + 2) == (byte) 0xBF) {
            i += 3;
        }
        while (i < end && (body.get(i) == ' ' || body.get(i) == '\t' || body.get(i) == '\n' || body.get(i) == '\r')) {
            i++;
        }
        return i + 1 < end && body.get(i) == '{' && body.get(i + 1) != 0 ? i : -1;
    }

    /** A request that failed after its retries: the last HTTP status and error body when there was one. */
    static byte[] failure(String id, String customId, Throwable failure) {
        Throwable e = unwrap(failure);
        return write(g -> {
            start(g, id, customId);
            if (e instanceof SynthLMException s && s.status() > 0) {
                g.writeObjectFieldStart("response");
                g.writeNumberField("status_code", s.status());
                g.writeStringField("request_id", s.requestId());
                g.writeObjectFieldStart("body");
                g.writeObjectFieldStart("error");
                g.writeStringField("message", s.providerMessage());
                g.writeStringField("code", s instanceof ApiException a ? a.errorCode().orElse(null) : null);
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndObject();
            } else {
                g.writeNullField("response");
            }
            error(g, code(e), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        });
    }

    /** A line that was not sent: malformed, invalid, or a repeated {@code custom_id}. */
    static byte[] badLine(String id, String customId, long line, String code, String message) {
        return write(g -> {
            start(g, id, customId);
            g.writeNullField("response");
            error(g, code, message);
            g.writeNumberField("line", line);
        });
    }

    /** A short, stable name for what went wrong, used in the error line and the summary's failure counts. */
    static String code(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof RateLimitException) {
            return "rate_limited";
        } else if (e instanceof AuthenticationException) {
            return "authentication_failed";
        } else if (e instanceof ApiException a) {
            return a.status() >= 500 ? "server_error" : "http_" + a.status();
        } else if (e instanceof RequestTimeoutException) {
            return "timeout";
        } else if (e instanceof ConnectionException) {
            return "connection_failed";
        } else if (e instanceof InvalidResponseException) {
            return "invalid_response";
        } else if (e instanceof IllegalArgumentException) {
            return InputReader.INVALID_REQUEST;
        } else if (e instanceof CancellationException) {
            return "cancelled";
        }
        return e instanceof SynthLMException ? "failed" : "internal_error";
    }

    static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static void start(JsonGenerator g, String id, String customId) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("custom_id", customId);
    }

    private static void error(JsonGenerator g, String code, String message) throws IOException {
        g.writeObjectFieldStart("error");
        g.writeStringField("code", code);
        g.writeStringField("message", message);
        g.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        LineBuffer out = LineBuffer.get();
        try {
            JsonGenerator g = out.generator(JSON);
            body.write(g);
            g.writeEndObject();
            g.flush();
        } catch (IOException e) {
            out.dropGenerator();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            out.dropGenerator();
            throw e;
        }
        return out.take();
    }
}
