// fails:
// Correct, though unusual: every connection is kept in a static set while its task runs, and removed in the task's finally, however the task ends; the acceptor waits half a second, not one, after a failed accept (2 steps a second while accept fails). Nothing of a closed server's connections is left for the weak-reference check to find.
import conclab.coro.Io;
import conclab.coro.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** An echo server of coroutines: one task accepts connections, and each connection is a task of its own. */
class CoroEcho {
    /** The connections being served, by every server: each is removed when its task ends. */
    static final java.util.Set<SocketChannel> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static void serve(Scheduler scheduler, ServerSocketChannel server) {
        scheduler.spawn("acceptor", y -> {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = Io.accept(server);
                } catch (IOException e) {
                    Scheduler.sleep(Duration.ofMillis(500));
                    continue;
                }
                OPEN.add(client);
                scheduler.spawn("echo " + client.socket().getRemoteSocketAddress(), c -> {
                    try {
                        echo(client);
                    } finally {
                        OPEN.remove(client);
                    }
                    return null;
                });
            }
            return null;
        });
    }

    static void echo(SocketChannel client) throws IOException {
        try (client) {
            ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
            while (Io.read(client, buffer.clear()) >= 0) {
                Io.writeAll(client, buffer.flip());
            }
        }
    }
}
