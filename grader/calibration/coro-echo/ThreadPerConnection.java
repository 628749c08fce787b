// fails: one-thread
// Accepts in a task, then serves each connection on a virtual thread of its own with blocking calls.
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
                Thread.ofVirtual().start(() -> { // a thread per connection: cheap, but not a task of the scheduler
                    try {
                        echo(client);
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            }
        });
    }

    /** Sends back to {@code client} every byte it sends, in order, until the end of its stream; then closes it. */
    static void echo(SocketChannel client) throws IOException {
        try (client) {
            client.configureBlocking(true);
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (client.read(buffer.clear()) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) client.write(buffer);
            }
        }
    }
}
