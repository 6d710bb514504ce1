package ai.synth.lm.internal.batch;

import ai.synth.lm.internal.wire.JsonValueIO;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;

/**
 * One non-blocking JSON parser that reads line after line, each fed whole, instead of a parser, its buffers and its
 * table of field names made for every line. It reads only what it can be sure of, a line holding exactly one JSON
 * object: anything else, or any failure, gives null (and the parser is dropped, a new one made for the next line), so
 * the caller parses that line again the usual way, which says what is wrong with it. Confined to one thread.
 */
final class ReusedParser {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private JsonParser parser;

    /** The first {@code length} bytes of {@code line} as the JSON object they hold; null when they hold no such thing. */
    Object read(byte[] line, int length) {
        try {
            if (parser == null) {
                parser = JSON.createNonBlockingByteArrayParser();
            }
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(line, 0, length);
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                Object value = JsonValueIO.read(parser, first);
                // the object ended (an object cut short reads as far as it goes, then NOT_AVAILABLE), and after it
                // there is nothing but whitespace
                if (parser.currentToken() == JsonToken.END_OBJECT && parser.getParsingContext().inRoot()
                        && parser.nextToken() == JsonToken.NOT_AVAILABLE) {
                    return value;
                }
            }
        } catch (IOException | RuntimeException e) {
            // dropped below; the line is parsed again the usual way
        }
        parser = null;
        return null;
    }
}
