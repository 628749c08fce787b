package conclab.c10k;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What every C10K server speaks, byte for byte: HTTP/1.1 keep-alive, one fixed answer. A request is everything up
 * to and including the first {@code \r\n\r\n} (requests have no body); for each complete request, in order, the
 * server writes the 78 bytes of {@link #response()}. Parsing is deliberately minimal and the same in every server
 * (a {@link Counter} of header terminators, no method or path check), so that the servers differ only in how they
 * wait and dispatch.
 *
 * <p>All answers are the same bytes, so what a server still owes a client is a number: {@code unsent} bytes, the
 * tail of a string of identical responses. {@link #owed} turns that number into the next bytes to write. A
 * general server keeps a queue of buffers; here the queue is a count, and it costs a {@code long} per connection.
 */
public final class Protocol {
    private Protocol() {}

    /** The answer to every request, ASCII. */
    private static final byte[] RESPONSE =
            "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!"
                    .getBytes(StandardCharsets.US_ASCII);

    /** The response's length: 78 bytes. */
    public static final int RESPONSE_SIZE = RESPONSE.length;

    /** Unsent bytes beyond which a non-blocking server stops reading a client until they drain: 64 KiB. */
    public static final int MAX_UNSENT = 64 * 1024;

    /** How many responses {@link #owed} offers to one write at most. */
    static final int RESPONSES_PER_WRITE = 1024;

    /**
     * {@link #RESPONSES_PER_WRITE} copies of the response, back to back, in native memory (a socket writes from
     * there without a copy). Read-only and never moved: every thread takes views of it with {@code slice}.
     */
    private static final ByteBuffer RESPONSES = responses(RESPONSES_PER_WRITE);

    private static ByteBuffer responses(int copies) {
        ByteBuffer b = ByteBuffer.allocateDirect(copies * RESPONSE_SIZE);
        for (int i = 0; i < copies; i++) b.put(RESPONSE);
        return b.flip().asReadOnlyBuffer();
    }

    /** The 78-byte response, a new copy. */
    public static byte[] response() {
        return RESPONSE.clone();
    }

    /** The bytes of {@code requests} responses. */
    public static long bytesFor(int requests) {
        return (long) requests * RESPONSE_SIZE;
    }

    /**
     * The next bytes to write when {@code unsent} bytes of responses are owed: a new read-only view, from where the
     * owed bytes start within a response, of at most {@value #RESPONSES_PER_WRITE} responses' worth. Write it; what
     * the channel took is subtracted from {@code unsent} by the caller. Thread-safe.
     *
     * @throws IllegalArgumentException if {@code unsent <= 0}
     */
    public static ByteBuffer owed(long unsent) {
        if (unsent <= 0) throw new IllegalArgumentException("nothing is owed: " + unsent);
        int start = (int) ((RESPONSE_SIZE - unsent % RESPONSE_SIZE) % RESPONSE_SIZE); // into the first response
        return RESPONSES.slice(start, (int) Math.min(unsent, RESPONSES.capacity() - start));
    }

    /**
     * Counts complete requests in the bytes of one connection, read by read: it counts {@code \r\n\r\n}
     * terminators, and remembers how much of one the last read ended with, so that a terminator split across reads
     * (even byte by byte) is counted once, when its last byte comes. The only parser of every server.
     *
     * <p>Not thread-safe: one counter per connection, used by whichever thread reads that connection.
     */
    public static final class Counter {
        /** The terminator, matched byte by byte. */
        private static final byte[] END = {'\r', '\n', '\r', '\n'};

        /** How many bytes of END the bytes so far end with, 0 to 3. */
        private int matched;

        /**
         * Reads {@code bytes} from its position to its limit (without moving them) and returns how many requests
         * they complete.
         */
        public int count(ByteBuffer bytes) {
            int requests = 0, m = matched;
            for (int i = bytes.position(), end = bytes.limit(); i < end; i++) {
                byte b = bytes.get(i);
                if (b == END[m]) {
                    if (++m == END.length) {
                        requests++;
                        m = 0;
                    }
                } else {
                    m = b == '\r' ? 1 : 0; // "\r\r" or "\r\n\r\r": the last \r may start a terminator
                }
            }
            matched = m;
            return requests;
        }
    }
}
