// fails: slow-reader
// Reads through Io, but when a write takes nothing it sleeps 50 ms (Scheduler.sleep) and tries again: it polls, 20 times a second, while a client does not read.
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
            ByteBuffer b = ByteBuffer.allocate(16 * 1024);
            while (Io.read(client, b.clear()) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    if (client.write(b) == 0) Scheduler.sleep(java.time.Duration.ofMillis(50)); // poll the stuck write
                }
            }
        }
    }
}
