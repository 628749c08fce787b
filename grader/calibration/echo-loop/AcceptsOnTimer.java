// fails: no-spin
// Never watches the listening channel: a timer tries accept() every 250 ms, so a new client waits up to 250 ms and the idle loop wakes 4 times a second for nothing (under the no-spin count's limit of 6).
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

    /** MISTAKE: never watches the listening channel for "acceptable": polls accept() every 250 ms on a timer. */
    void serve(ServerSocketChannel server) {
        try {
            server.configureBlocking(false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        loop.callSoon(() -> acceptAll(server));
    }

    private void acceptAll(ServerSocketChannel server) throws IOException {
        if (!server.isOpen()) return; // listening channel closed: stop polling, the loop may end
        SocketChannel client;
        while ((client = server.accept()) != null) {
            Connection c = new Connection(client);
            loop.onReadable(client, c::readable);
        }
        loop.callLater(Duration.ofMillis(250), () -> acceptAll(server));
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
