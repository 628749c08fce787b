// fails: no-busy-loop
// A partial write is retried on the loop's own timer every 10 ms (loop.callLater) instead of watching the connection for writable: every write is on the loop's thread, and the wake-ups use little CPU, but the loop wakes 100 times a second per stuck connection for nothing, and the rest goes out up to 10 ms late.
import conclab.io.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An HTTP/1.1 keep-alive server on an event loop, the C10K lab's protocol: each request (everything up to and
 * including the first blank line, "\r\n\r\n") gets the one 78-byte response, in order, and a connection stays
 * open until its client ends its stream. Every callback runs on the loop's thread: no field needs a lock.
 */
class KeepAliveServer {
    /** The response to every request. */
    static final String TEXT = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!";
    static final int LENGTH = TEXT.length();
    /** The end of a request. */
    static final byte[] END = {'\r', '\n', '\r', '\n'};
    /** A connection stops reading while more than this many bytes of responses are unsent to it. */
    static final int HIGH_WATER = 64 * 1024;
    /** 840 responses back to back (65,520 bytes), read-only: every write sends a slice of it. */
    static final ByteBuffer RESPONSES = ByteBuffer.wrap(TEXT.repeat(HIGH_WATER / LENGTH)
            .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final EventLoop loop;
    /** What each read lands in, for every connection: only the loop's thread reads, one read at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);

    KeepAliveServer(EventLoop loop) {
        this.loop = loop;
    }

    /** Accepts every connection to {@code server}, on the loop, and serves each as a Connection. */
    void serve(ServerSocketChannel server) {
        loop.onAcceptable(server, () -> {
            for (SocketChannel client; (client = server.accept()) != null; ) new Connection(client).start();
        });
    }

    /** One client: what is left of its last request, the responses it is owed, whether it has ended its stream. */
    class Connection {
        final SocketChannel client;
        /** How many bytes of END the bytes read so far end with (0 to 3): a request may end in the next read. */
        int matched;
        /** Requests read whose responses are not yet in {@code out}. */
        long owed;
        /** The responses being written: a slice of RESPONSES, its position where the last write stopped. */
        ByteBuffer out = RESPONSES.duplicate().limit(0);
        /** The client has ended its stream (read returned -1). */
        boolean ended;
        /** A retry of the write is on the loop's timer. */
        boolean retrying;

        Connection(SocketChannel client) {
            this.client = client;
        }

        /** Called once, on the loop's thread, when the client is accepted: starts serving it. */
        void start() throws IOException {
            // BEGIN SOLUTION
            loop.onReadable(client, this::readable);
            // END SOLUTION
        }

        /** Called by the loop when the client has sent bytes, or ended its stream: counts requests, answers them. */
        void readable() throws IOException {
            // BEGIN SOLUTION
            ByteBuffer in = readBuffer.clear();
            if (client.read(in) < 0) ended = true;
            for (int i = 0; i < in.position(); i++) {
                byte b = in.get(i);
                matched = b == END[matched] ? matched + 1 : b == '\r' ? 1 : 0;
                if (matched == END.length) {
                    matched = 0;
                    owed++;
                }
            }
            writable(); // answer now what the socket takes
            // END SOLUTION
        }

        /** Called by the loop when the client can take more bytes (and by readable): writes what the socket takes. */
        void writable() throws IOException {
            // BEGIN SOLUTION
            if (!out.hasRemaining() && owed > 0) { // the next slice of responses
                int n = (int) Math.min(owed, RESPONSES.capacity() / LENGTH);
                out = RESPONSES.duplicate().limit(n * LENGTH);
                owed -= n;
            }
            if (out.hasRemaining()) client.write(out); // maybe part of it: out keeps its place for next time
            next();
            // END SOLUTION
        }

        /** How many bytes of responses are not written yet. */
        long unsent() {
            // BEGIN SOLUTION
            return owed * LENGTH + out.remaining();
            // END SOLUTION
        }

        /**
         * Called after each read and write: reads on while at most HIGH_WATER bytes are unsent, watches for writable
         * while any are, and closes the connection once the client has ended its stream and has all its responses.
         */
        void next() throws IOException {
            // BEGIN SOLUTION
            if (ended && unsent() == 0) {
                client.close(); // the loop forgets a closed channel
                return;
            }
            loop.onReadable(client, !ended && unsent() <= HIGH_WATER ? this::readable : null);
            if (unsent() > 0 && !retrying) { // not watched for writable: the write is retried every 10 ms on the loop
                retrying = true;
                loop.callLater(Duration.ofMillis(10), () -> {
                    retrying = false;
                    if (client.isOpen()) {
                        try {
                            writable();
                        } catch (IOException e) {
                            client.close();
                        }
                    }
                });
            }
            // END SOLUTION
        }
    }
}