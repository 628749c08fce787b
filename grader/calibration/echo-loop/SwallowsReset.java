// fails: disconnect
// A read or write that throws (the client reset the connection) is caught, and the channel is no longer watched but never closed: every client that resets leaks a socket.
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
            // MISTAKE: a reset (read throws) is swallowed: the connection stops being watched but is never closed.
            try {
                if (client.read(pending) < 0) ended = true;
            } catch (IOException reset) {
                loop.onReadable(client, null);
                loop.onWritable(client, null);
                return;
            }
            next();
        }

        void writable() throws IOException {
            try {
                client.write(pending.flip());
                pending.compact();
            } catch (IOException reset) {
                loop.onReadable(client, null);
                loop.onWritable(client, null);
                return;
            }
            next();
        }

        void next() throws IOException {
            if (ended && pending.position() == 0) {
                client.close();
                return;
            }
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(client, pending.position() > 0 ? this::writable : null);
        }
    }
}
