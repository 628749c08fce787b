// fails: disconnect
// Closes the channel at the end of the stream and when a read throws, but not when a write throws: a client that resets its connection while the server waits to write to it (it reads none of its echo) leaves the connection open.
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
            while (true) {
                SocketChannel client;
                try {
                    client = Io.accept(server);
                } catch (IOException e) { // out of descriptors, say: try again later
                    Scheduler.sleep(Duration.ofSeconds(1));
                    continue;
                }
                scheduler.spawn("echo " + client.getRemoteAddress(), c -> {
                    echo(client);
                    return null;
                });
            }
        });
    }

    /** Sends back to {@code client} every byte it sends, in order, until the end of its stream; then closes it. */
    static void echo(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (true) {
            int n;
            try {
                n = Io.read(client, buffer.clear());
            } catch (IOException e) {
                n = -1; // the client reset its connection: treated as the end of its stream
            }
            if (n < 0) {
                client.close();
                return;
            }
            // MISTAKE: a write that throws (the client reset while the server waited to write) ends the task unclosed
            Io.writeAll(client, buffer.flip());
        }
    }
}
