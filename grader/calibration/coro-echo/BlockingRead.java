// fails: many-clients, one-thread, no-spin, slow-reader, own-buffer, disconnect
// Serves each connection with blocking calls: a task that waits in read() holds the scheduler thread.
import conclab.coro.Io;
import conclab.coro.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** An echo server of coroutines: one task accepts connections, and each connection is a task of its own. */
class CoroEcho {
    /** Starts on {@code scheduler} a task that accepts every connection to {@code server} and spawns a task to echo it. */
    static void serve(Scheduler scheduler, ServerSocketChannel server) {
        scheduler.spawn("acceptor", y -> {
            while (true) {
                SocketChannel client = Io.accept(server);
                scheduler.spawn("echo " + client.getRemoteAddress(), c -> {
                    echo(client);
                    return null;
                });
            }
        });
    }

    /** Sends back to {@code client} every byte it sends, in order, until the end of its stream; then closes it. */
    static void echo(SocketChannel client) throws IOException {
        try (client) {
            client.configureBlocking(true); // simpler, it seems: read() waits for the bytes
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (client.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) client.write(buffer);
            }
        }
    }
}
