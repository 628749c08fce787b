// fails: slow-reader, own-buffer
// Reads through Io, but writes back in a loop of non-blocking writes: while a client does not read, its task spins and never yields.
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
                while (b.hasRemaining()) client.write(b); // a write that takes nothing is tried again at once
            }
        }
    }
}
