// fails: closes
// The connection is closed only in writable(), after a write has emptied pending: when the end of the stream comes with nothing left to write, the server stops watching the channel and never closes it.
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

        Connection(SocketChannel client) {
            this.client = client;
        }

        void readable() throws IOException {
            if (client.read(pending) < 0) ended = true;
            next();
        }

        /** MISTAKE: the close is done here only, after a write: a client that ends its stream with nothing pending stays open. */
        void writable() throws IOException {
            client.write(pending.flip());
            pending.compact();
            if (ended && pending.position() == 0) {
                client.close();
                return;
            }
            next();
        }

        void next() throws IOException {
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(client, pending.position() > 0 ? this::writable : null);
        }
    }
}
