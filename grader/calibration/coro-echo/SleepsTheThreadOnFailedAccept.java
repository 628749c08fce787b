// fails: accept-fails
// As ReadableBeforeAccept, but after a failed accept it waits with Thread.sleep(1000), holding the scheduler's one thread for a second: every other task stands still meanwhile. Its next turn still yields (Scheduler.readable), so it uses little CPU and few steps.
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
                    Thread.sleep(1000); // holds the scheduler's thread
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
