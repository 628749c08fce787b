// fails: backpressure
// Reads on past the fixed 16 KiB pending into a queue of 16 KiB chunks, up to 3 MB per connection: bounded, but a client that never reads pins 3 MB of the server's memory (under the old 4 MB margin; the check now counts what the server holds, less the kernel's queues).
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
        /** MISTAKE: bytes that did not fit in pending wait here, up to 3 MB a connection (beyond the fixed 16 KiB). */
        final java.util.ArrayDeque<ByteBuffer> overflow = new java.util.ArrayDeque<>();
        long held;

        Connection(SocketChannel client) {
            this.client = client;
        }

        void readable() throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(16 * 1024);
            int n = client.read(chunk);
            if (n < 0) ended = true;
            else if (n > 0) { overflow.add(chunk.flip()); held += n; }
            drain();
            next();
        }

        void writable() throws IOException {
            client.write(pending.flip());
            pending.compact();
            drain();
            next();
        }

        /** Moves what waits in overflow into pending, as far as it goes. */
        void drain() {
            while (!overflow.isEmpty() && pending.hasRemaining()) {
                ByteBuffer b = overflow.peek();
                int k = Math.min(b.remaining(), pending.remaining());
                pending.put(pending.position(), b, b.position(), k);
                pending.position(pending.position() + k);
                b.position(b.position() + k);
                held -= k;
                if (!b.hasRemaining()) overflow.poll();
            }
        }

        void next() throws IOException {
            if (ended && pending.position() == 0 && overflow.isEmpty()) {
                client.close();
                return;
            }
            loop.onReadable(client, !ended && held < (3 << 20) ? this::readable : null);
            loop.onWritable(client, pending.position() > 0 ? this::writable : null);
        }
    }
}
