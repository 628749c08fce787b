// fails: backpressure
// Reads whenever the client sends, and keeps what it could not write in a queue of buffers that grows without limit.
import conclab.io.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** An echo server on an event loop: sends back to each client every byte it sends, then closes. */
class EchoServer {
    private final EventLoop loop;

    EchoServer(EventLoop loop) {
        this.loop = loop;
    }

    /** Accepts every connection to {@code server} on the loop, and echoes each as a Connection. */
    void serve(ServerSocketChannel server) {
        loop.onAcceptable(server, () -> {
            SocketChannel client = server.accept();
            if (client == null) return; // nothing to accept after all (the client gave up)
            Connection c = new Connection(client);
            loop.onReadable(client, c::readable);
        });
    }

    /** One client: the bytes read and not yet written back, and whether the client has ended its stream. */
    class Connection {
        final SocketChannel client;
        /** Bytes read, not yet written back; in write mode (position = how many). */
        final ByteBuffer pending = ByteBuffer.allocate(16 * 1024);
        /** The client has ended its stream (read returned -1). */
        boolean ended;

        /** What could not be written yet: grows as long as the client sends faster than it reads. */
        final java.util.ArrayDeque<ByteBuffer> unsent = new java.util.ArrayDeque<>();

        Connection(SocketChannel client) {
            this.client = client;
        }

        /** Called by the loop when the client has sent bytes, or ended its stream. */
        void readable() throws IOException {
                int n = client.read(pending.clear());
            if (n < 0) ended = true;
            if (n > 0) unsent.add(ByteBuffer.allocate(n).put(pending.flip()).flip()); // a copy, kept until written
            next();
            }

        /** Called by the loop when the client can take more bytes. */
        void writable() throws IOException {
                while (!unsent.isEmpty()) {
                client.write(unsent.peek());
                if (unsent.peek().hasRemaining()) break; // the rest the next time
                unsent.poll();
            }
            next();
            }

        /**
         * Called after each read and write: watches for what may come next (reading while there is room in pending,
         * writing while it holds bytes), or closes the connection when the client has ended and all is sent back.
         */
        void next() throws IOException {
                if (ended && unsent.isEmpty()) {
                client.close(); // all sent back: done
                return;
            }
            loop.onReadable(client, !ended ? this::readable : null); // always: there is always room in the queue
            loop.onWritable(client, !unsent.isEmpty() ? this::writable : null);
            }
    }
}