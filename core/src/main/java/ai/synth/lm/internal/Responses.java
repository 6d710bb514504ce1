package ai.synth.lm.internal;

import ai.synth.lm.internal.http.StreamBody;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.InvalidResponseException;
import java.io.IOException;
import java.net.http.HttpResponse;

/** Turns successful chat responses into results: a whole completion, or the start of a stream. */
final class Responses {

    private final ProviderSettings settings;
    private final Failures failures;

    Responses(ProviderSettings settings, Failures failures) {
        this.settings = settings;
        this.failures = failures;
    }

    /** The live body of a 2xx event stream; a 2xx answer that is not a stream throws. */
    ChunkStream.Opened opened(HttpResponse<StreamBody> response, int attempts) {
        StreamBody body = response.body();
        if (body.live() == null) {
            throw notAStream(response, body.bytes(), attempts);
        }
        return new ChunkStream.Opened(body.live(), attempts);
    }

    /** The body of a 2xx event stream as an input stream, for the synchronous face. */
    BlockingStream openedBlocking(HttpResponse<StreamBody> response, int attempts, HttpEngine engine,
            CallEvents call) {
        StreamBody body = response.body();
        if (body.input() == null) {
            throw notAStream(response, body.bytes(), attempts);
        }
        return new BlockingStream(engine, body.input(), attempts, call);
    }

    private RuntimeException notAStream(HttpResponse<StreamBody> response, byte[] bytes, int attempts) {
        Object json = null;
        try {
            json = JsonValueIO.parse(bytes);
        } catch (IOException | RuntimeException notJson) {
            // described below
        }
        if (Failures.messageOf(json) != null) {
            return failures.status(response, bytes, attempts);
        }
        return new InvalidResponseException(settings.provider() + " answered HTTP " + response.statusCode()
                + " with " + response.headers().firstValue("content-type").orElse("no content type")
                + " instead of an event stream (text/event-stream); the backend may not support streaming",
                null, settings.provider(), response.statusCode(),
                response.headers().firstValue("x-request-id").orElse(null), attempts);
    }

    /** The completion in a 2xx body; an error object or a body that is not a completion throws. */
    ChatCompletion completion(HttpResponse<byte[]> response, int attempts) {
        byte[] body = response.body();
        String requestId = response.headers().firstValue("x-request-id").orElse(null);
        if (body == null || body.length == 0) {
            throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.statusCode()
                    + " with an empty body instead of a chat completion", null, settings.provider(),
                    response.statusCode(), requestId, attempts);
        }
        ChatCompletion completion;
        try {
            completion = JsonCodec.readCompletion(body);
        } catch (IOException | RuntimeException e) {
            throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.statusCode()
                    + " with a body that is not a valid chat completion (" + body.length + " bytes): "
                    + failures.scrub(e.getMessage()), failures.keyFreeCause(e), settings.provider(),
                    response.statusCode(), requestId, attempts);
        }
        if (completion.choices().isEmpty() && completion.additionalProperties().containsKey("error")) {
            throw failures.status(response, body, attempts);
        }
        return completion;
    }
}
