package ai.synth.lm.internal;

import ai.synth.lm.internal.wire.JsonCodec;
import ai.synth.lm.internal.wire.JsonValueIO;

import ai.synth.lm.internal.http.Response;
import ai.synth.lm.ChatCompletion;
import ai.synth.lm.InvalidResponseException;
import java.io.IOException;

/** Turns successful chat responses into results: a whole completion, or the start of a stream. */
final class Responses {

    private final ProviderSettings settings;
    private final Failures failures;

    Responses(ProviderSettings settings, Failures failures) {
        this.settings = settings;
        this.failures = failures;
    }

    /** The live body of a 2xx event stream; a 2xx answer that is not a stream throws. */
    ChunkStream.Opened opened(Response response, int attempts) {
        if (response.publisher() == null) {
            throw notAStream(response, response.bytes(), attempts);
        }
        return new ChunkStream.Opened(response.publisher(), attempts);
    }

    /** The body of a 2xx event stream as an input stream, for the synchronous face. */
    BlockingStream openedBlocking(Response response, int attempts, HttpEngine engine, CallEvents call) {
        if (response.stream() == null) {
            throw notAStream(response, response.bytes(), attempts);
        }
        return new BlockingStream(engine, response.stream(), attempts, call);
    }

    private RuntimeException notAStream(Response response, byte[] bytes, int attempts) {
        Object json = null;
        try {
            json = JsonValueIO.parse(bytes);
        } catch (IOException | RuntimeException notJson) {
            // described below
        }
        if (Failures.messageOf(json) != null) {
            return failures.status(response, bytes, attempts);
        }
        return new InvalidResponseException(settings.provider() + " answered HTTP " + response.status()
                + " with " + response.headers().firstValue("content-type").orElse("no content type")
                + " instead of an event stream (text/event-stream); the backend may not support streaming",
                null, settings.provider(), response.status(),
                response.headers().firstValue("x-request-id").orElse(null), attempts);
    }

    /** The completion in a 2xx body; an error object or a body that is not a completion throws. */
    ChatCompletion completion(Response response, int attempts) {
        byte[] body = response.bytes();
        if (body == null || body.length == 0) {
            throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.status()
                    + " with an empty body instead of a chat completion", null, settings.provider(),
                    response.status(), requestId(response), attempts);
        }
        ChatCompletion completion;
        try {
            completion = JsonCodec.readCompletion(body);
        } catch (IOException | RuntimeException e) {
            throw new InvalidResponseException(settings.provider() + " answered HTTP " + response.status()
                    + " with a body that is not a valid chat completion (" + body.length + " bytes): "
                    + failures.scrub(e.getMessage()), failures.keyFreeCause(e), settings.provider(),
                    response.status(), requestId(response), attempts);
        }
        if (completion.choices().isEmpty() && completion.additionalProperties().containsKey("error")) {
            throw failures.status(response, body, attempts);
        }
        return completion;
    }

    /** The backend's request id, looked up only for an error: a success does not pay for the header scan. */
    private static String requestId(Response response) {
        return response.headers().firstValue("x-request-id").orElse(null);
    }
}
