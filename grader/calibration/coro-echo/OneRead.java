// fails: pieces, many-clients, one-thread, partial-writes, own-buffer, disconnect
// Takes one read as the whole message: reads once, writes it back, and hangs up.
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
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            if (Io.read(client, buffer) >= 0) Io.writeAll(client, buffer.flip()); // the whole message, it assumes
        }
    }
}
