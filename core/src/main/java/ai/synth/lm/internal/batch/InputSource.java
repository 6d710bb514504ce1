package ai.synth.lm.internal.batch;

import java.io.Closeable;
import java.io.IOException;

/** Where a batch's requests come from, one at a time: a JSONL file, or rows a caller hands over. */
interface InputSource extends Closeable {

    /** The next request or line that cannot be sent, or null when there are no more. */
    InputLine next() throws IOException;
}
