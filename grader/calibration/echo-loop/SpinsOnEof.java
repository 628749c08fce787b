// fails: closes, disconnect, slow-reader
// Ignores read() == -1: the channel stays readable, the callback runs again and again, and never closes it.
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

        Connection(SocketChannel client) {
            this.client = client;
        }

        /** Called by the loop when the client has sent bytes, or ended its stream. */
        void readable() throws IOException {
            client.read(pending);         // -1 at the end of the stream: ignored
            next();
        }

        /** Called by the loop when the client can take more bytes. */
        void writable() throws IOException {
            client.write(pending.flip()); // as much as the socket takes now
            pending.compact();            // keep the rest for the next time
            next();
        }

        /**
         * Called after each read and write: watches for what may come next (reading while there is room in pending,
         * writing while it holds bytes), or closes the connection when the client has ended and all is sent back.
         */
        void next() throws IOException {
            if (ended && pending.position() == 0) {
                client.close(); // all sent back: done
                return;
            }
            loop.onReadable(client, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(client, pending.position() > 0 ? this::writable : null);
        }
    }
}
