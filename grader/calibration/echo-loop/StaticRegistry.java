// fails: disconnect
// Keeps every connection in a static set shared by every server, removed only at a normal close: a connection the loop closes after a read throws (a reset) stays reachable for ever.
import conclab.io.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** An echo server on an event loop: sends back to each client every byte it sends, then closes. */
class EchoServer {
    private final EventLoop loop;
    /** MISTAKE: every connection ever made, in a static set shared by all servers; removed only at a normal close. */
    static final java.util.Set<Connection> OPEN = new java.util.HashSet<>();

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
            if (client.read(pending) < 0) ended = true;
            next();
        }

        void writable() throws IOException {
            client.write(pending.flip());
            pending.compact();
            next();
        }

        void next() throws IOException {
            if (ended && pending.position() == 0) {
                client.close();
                OPEN.remove(this); // only here: a connection the loop closes after a reset (read throws) stays in OPEN for ever
                return;
            }
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(client, pending.position() > 0 ? this::writable : null);
        }
    }
}
