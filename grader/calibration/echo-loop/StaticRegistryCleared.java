// fails:
// Correct, though unusual: every connection is kept in a static set, and removed however it ends (a read or write that throws is caught, the channel closed and the connection removed, then the exception goes on to the loop): once the server is gone, nothing of its connections is left for the weak-reference check to find.
import conclab.io.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** An echo server on an event loop: sends back to each client every byte it sends, then closes. */
class EchoServer {
    private final EventLoop loop;
    /** Every open connection of every server: a connection is removed when it closes, however it closes. */
    static final java.util.Set<Connection> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    EchoServer(EventLoop loop) {
        this.loop = loop;
    }

    void serve(ServerSocketChannel server) {
        loop.onAcceptable(server, () -> {
            SocketChannel client = server.accept();
            if (client == null) return;
            Connection c = new Connection(client);
            OPEN.add(c);
            loop.onReadable(client, c::readable);
        });
    }

    class Connection {
        final SocketChannel client;
        final ByteBuffer pending = ByteBuffer.allocate(16 * 1024);
        boolean ended;

        Connection(SocketChannel client) {
            this.client = client;
        }

        void readable() throws IOException {
            try {
                if (client.read(pending) < 0) ended = true;
                next();
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        void writable() throws IOException {
            try {
                client.write(pending.flip());
                pending.compact();
                next();
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        void next() throws IOException {
            if (ended && pending.position() == 0) {
                close();
                return;
            }
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(client, pending.position() > 0 ? this::writable : null);
        }

        void close() throws IOException {
            OPEN.remove(this);
            client.close();
        }
    }
}
