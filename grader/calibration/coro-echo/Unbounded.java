// fails: backpressure
// Never waits to write: keeps what the socket does not take in memory and reads on, however much piles up.
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
            java.util.ArrayDeque<ByteBuffer> pending = new java.util.ArrayDeque<>(); // grows without limit
            while (true) {
                ByteBuffer piece = ByteBuffer.allocate(16 * 1024);
                if (Io.read(client, piece) < 0) break;
                pending.add(piece.flip());
                client.write(pending.toArray(ByteBuffer[]::new)); // what the socket takes now
                while (!pending.isEmpty() && !pending.peek().hasRemaining()) pending.poll();
            }
            for (ByteBuffer rest : pending) Io.writeAll(client, rest); // the end of the stream: now write the rest
        }
    }
}
