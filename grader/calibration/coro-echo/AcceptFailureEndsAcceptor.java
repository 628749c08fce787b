// fails: accept-fails
// A failed accept (out of file descriptors) ends the acceptor quietly: the server survives no EMFILE, and serves no new client once descriptors are free again.
import conclab.coro.Io;
import conclab.coro.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** An echo server of coroutines: one task accepts connections, and each connection is a task of its own. */
class CoroEcho {
    /** Starts on {@code scheduler} a task that accepts every connection to {@code server} and spawns a task to echo it. */
    static void serve(Scheduler scheduler, ServerSocketChannel server) {
        scheduler.spawn("acceptor", y -> {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = Io.accept(server);                            // waits through the scheduler
                } catch (IOException e) {
                    return null; // MISTAKE: a failed accept ends the acceptor: the server accepts no one any more
                }
                scheduler.spawn("echo " + client.socket().getRemoteSocketAddress(), c -> {
                    echo(client);
                    return null;
                });
            }
            return null;                                                   // the listening channel was closed
        });
    }

    /** Sends back to {@code client} every byte it sends, in order, until the end of its stream; then closes it. */
    static void echo(SocketChannel client) throws IOException {
        try (client) {                                                     // closed however the loop ends
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);            // this connection's own, a local of its task
            while (Io.read(client, buffer.clear()) >= 0) {
                Io.writeAll(client, buffer.flip());                        // every byte, before reading more
            }
        }
    }
}