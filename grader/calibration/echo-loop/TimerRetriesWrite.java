// fails: slow-reader
// Never watches for writable: while bytes are pending it retries the write on a 5 ms callLater timer, which wakes the loop 200 times a second for each stuck client (too little CPU for a spin check to see).
import conclab.io.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** An echo server on an event loop: sends back to each client every byte it sends, then closes. */
class EchoServer {
    private final EventLoop loop;

    EchoServer(EventLoop loop) {
        this.loop = loop;
    }

    void serve(ServerSocketChannel server) {
        loop.onAcceptable(server, () -> {
            SocketChannel client = server.accept();
            if (client == null) return;
            Connection c = new Connection(client);
            loop.onReadable(client, c::readable);
        });
    }

    class Connection {
        final SocketChannel client;
        final ByteBuffer pending = ByteBuffer.allocate(16 * 1024);
        boolean ended;
        /** A retry of the write is scheduled: what the socket did not take is tried again 5 ms later. */
        boolean retrying;

        Connection(SocketChannel client) {
            this.client = client;
        }

        void readable() throws IOException {
            if (client.read(pending) < 0) ended = true;
            flush();
        }

        void writable() throws IOException {
            retrying = false;
            if (!client.isOpen()) return;
            flush();
        }

        void flush() throws IOException {
            if (pending.position() > 0) {
                client.write(pending.flip());
                pending.compact();
            }
            next();
        }

        void next() throws IOException {
            if (ended && pending.position() == 0) {
                client.close();
                return;
            }
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            if (pending.position() > 0 && !retrying) { // "writable" is almost always on: retry on a timer instead (5 ms)
                retrying = true;
                loop.callLater(Duration.ofMillis(5), this::writable);
            }
        }
    }
}
