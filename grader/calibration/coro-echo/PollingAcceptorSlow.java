// fails: no-spin
// The acceptor polls: accept() on the non-blocking listening channel, and Scheduler.sleep(300 ms) when no client is there, instead of Io.accept. A new client waits up to 300 ms, and the thread wakes about 3 times a second for nothing (under the step count's limit).
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
        // MISTAKE: the acceptor polls a non-blocking accept() and sleeps 300 ms when nothing is there, instead of
        // waiting for the listening channel to be ready (Io.accept, Scheduler.readable).
        scheduler.spawn("acceptor", y -> {
            server.configureBlocking(false);
            while (server.isOpen()) {
                SocketChannel client = server.accept();
                if (client == null) {
                    Scheduler.sleep(Duration.ofMillis(300));
                    continue;
                }
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
