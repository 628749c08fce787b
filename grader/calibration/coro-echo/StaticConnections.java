// fails: disconnect
// Keeps every accepted channel in a static list shared by every server and never emptied: closed connections stay reachable for as long as the program runs.
import conclab.coro.Io;
import conclab.coro.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** An echo server of coroutines: one task accepts connections, and each connection is a task of its own. */
class CoroEcho {
    /** MISTAKE: every connection ever accepted, in a static list shared by every server; never removed. */
    static final java.util.List<SocketChannel> ALL = new java.util.ArrayList<>();

    static void serve(Scheduler scheduler, ServerSocketChannel server) {
        scheduler.spawn("acceptor", y -> {
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = Io.accept(server);
                } catch (IOException e) {
                    Scheduler.sleep(Duration.ofSeconds(1));
                    continue;
                }
                ALL.add(client);
                scheduler.spawn("echo " + client.socket().getRemoteSocketAddress(), c -> {
                    echo(client);
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
