package conclab.c10k.load;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One connection of the load generator: its channel, the intended send times of its outstanding requests (a FIFO,
 * since the server answers in order), the request bytes not yet written, and where it is in the response it is
 * reading. It checks every byte it reads against the one response the lab's servers send.
 *
 * <p>Threads: touched by the thread of the {@link Worker} that owns it only (one thread at a time; phases are
 * handed from thread to thread through {@code Future.get}, which orders them).
 */
final class Connection {
    /** The request every connection sends: a minimal HTTP/1.1 keep-alive GET. */
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII);
    /** The only response the lab's servers send, 78 bytes; anything else read is an error. */
    static final byte[] RESPONSE =
            "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!".getBytes(US_ASCII);
    /**
     * Requests back to back, read-only: a connection's unwritten request bytes are always a window of it that
     * starts at {@code written % REQUEST.length}, so no connection needs a buffer of its own.
     */
    static final ByteBuffer REQUESTS = repeat(REQUEST, 64);

    /** Where a connection is in its life. */
    enum State {
        /** Connect started, not finished. */
        CONNECTING,
        /** Connected: held, and sending during the load. */
        OPEN,
        /** Its oldest request went unanswered for longer than the timeout: it sends no more. */
        TIMED_OUT,
        /** Failed to connect, was reset or closed by the server, or read something other than responses. */
        FAILED
    }

    /** Its place in the connect order, 0 to N - 1. */
    final int index;
    final SocketChannel channel;
    SelectionKey key;
    State state = State.CONNECTING;
    /** When an unfinished connect gives up (System.nanoTime). */
    long connectDeadline;
    /** Its place among the held connections, 0 to H - 1: which requests of the rate schedule are its own. */
    int slot;
    /** Whether it has had at least one response. */
    boolean answered;

    /** The intended send times (System.nanoTime) of the outstanding requests, oldest at {@code head}; a ring. */
    private long[] intended = new long[2];
    private int head;
    private int outstanding;
    /** Request bytes handed to {@link #enqueue} and not yet written. */
    private long owed;
    /** Request bytes written so far. */
    private long written;
    /** How many bytes of {@link #RESPONSE} the bytes read so far end with, 0 to 77. */
    private int matched;

    Connection(int index, SocketChannel channel) {
        this.index = index;
        this.channel = channel;
    }

    /** The requests sent (or queued to be written) and not yet answered. */
    int outstanding() {
        return outstanding;
    }

    /** The intended send time of the oldest outstanding request. Precondition: {@code outstanding() > 0}. */
    long oldest() {
        return intended[head];
    }

    /** Queues one request meant to be sent at {@code intendedNanos}; {@link #flush} writes it. */
    void enqueue(long intendedNanos) {
        if (outstanding == intended.length) {
            intended = grow(intended, head);
            head = 0;
        }
        intended[(head + outstanding) % intended.length] = intendedNanos;
        outstanding++;
        owed += REQUEST.length;
    }

    /** Removes the oldest outstanding request, just answered, and returns its intended send time. */
    long answer() {
        long t = intended[head];
        head = (head + 1) % intended.length;
        outstanding--;
        answered = true;
        return t;
    }

    /**
     * Writes as many of the owed request bytes as the socket takes, then watches for writability only if some are
     * left. Reading is watched all the time.
     *
     * @param requests this thread's own duplicate of {@link #REQUESTS} (a buffer's position is not thread-safe)
     */
    void flush(ByteBuffer requests) throws IOException {
        while (owed > 0) {
            int start = (int) (written % REQUEST.length);
            requests.limit(start + (int) Math.min(owed, requests.capacity() - start)).position(start);
            int n = channel.write(requests);
            if (n == 0) break;
            owed -= n;
            written += n;
        }
        int ops = owed > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (key.interestOps() != ops) key.interestOps(ops);
    }

    /**
     * Checks {@code n} bytes just read against the response and counts the responses they complete.
     *
     * @return the responses completed, or -1 if a byte is not the response's byte at that place
     */
    int receive(byte[] bytes, int n) {
        int completed = 0;
        for (int i = 0; i < n; ) {
            int len = Math.min(n - i, RESPONSE.length - matched);
            if (Arrays.mismatch(bytes, i, i + len, RESPONSE, matched, matched + len) >= 0) return -1;
            i += len;
            matched += len;
            if (matched == RESPONSE.length) {
                matched = 0;
                completed++;
            }
        }
        return completed;
    }

    /** Closes the channel (which cancels its key); quietly, as there is nothing left to do about a failure. */
    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }

    /** A ring twice as large holding the same longs, the oldest first. */
    private static long[] grow(long[] ring, int head) {
        long[] bigger = new long[ring.length * 2];
        int tail = ring.length - head;
        System.arraycopy(ring, head, bigger, 0, tail);
        System.arraycopy(ring, 0, bigger, tail, head);
        return bigger;
    }

    private static ByteBuffer repeat(byte[] bytes, int times) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length * times);
        for (int i = 0; i < times; i++) b.put(bytes);
        return b.flip().asReadOnlyBuffer();
    }
}
