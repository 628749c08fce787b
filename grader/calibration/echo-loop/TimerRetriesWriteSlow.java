// fails: slow-reader
// A write left over is retried on a 200 ms timer instead of when the channel is writable: the rest of the echo goes out late, and the loop wakes 5 times a second for each stuck client (under the count's limit of 6).
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
        /** A retry of the write is scheduled. */
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

        /** Writes at once what the socket takes. */
        void flush() throws IOException {
            if (pending.position() > 0) {
                client.write(pending.flip());
                pending.compact();
            }
            next();
        }

        /** MISTAKE: never watches for writable: what is left is retried on a slow (200 ms) timer. */
        void next() throws IOException {
            if (ended && pending.position() == 0) {
                client.close();
                return;
            }
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            if (pending.position() > 0 && !retrying) {
                retrying = true;
                loop.callLater(Duration.ofMillis(200), this::writable);
            }
        }
    }
}
