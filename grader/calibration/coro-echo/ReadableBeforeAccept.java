// fails:
// Correct, though unusual: the acceptor waits with Scheduler.readable on the listening channel before each accept() (not Io.accept), and after a failed accept sleeps a second through the scheduler, then waits again.
import conclab.coro.Io;
import conclab.coro.Scheduler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** An echo server of coroutines: one task accepts connections, and each connection is a task of its own. */
class CoroEcho {
    static void serve(Scheduler scheduler, ServerSocketChannel server) {
        scheduler.spawn("acceptor", y -> {
            server.configureBlocking(false);
            while (server.isOpen()) {
                Scheduler.readable(server);
                SocketChannel client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    Scheduler.sleep(Duration.ofSeconds(1));
                    continue;
                }
                if (client == null) continue;
                client.configureBlocking(false);
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
