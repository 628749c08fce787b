// fails:
// Correct, though unusual: each connection's kernel buffers are set large (1 MiB to receive, 1 MiB to send), so the kernel holds far more of a client that never reads than the check's own bounded server's do; the server itself still holds at most pending's 16 KiB, which the backpressure check counts exactly (what the client wrote less what the sockets' buffers hold).
import conclab.io.EventLoop;
import java.io.IOException;
import java.net.StandardSocketOptions;
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
            client.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            client.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
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

        void writable() throws IOException {
            client.write(pending.flip());
            pending.compact();
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
