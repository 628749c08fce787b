// fails: slow-reader
// A write that takes nothing sleeps 300 ms (Scheduler.sleep) and tries again, instead of waiting until the channel is writable: the echo goes out late, and the task is resumed about 3 times a second (under the step count's limit of 5).
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
            while (server.isOpen()) {
                SocketChannel client;
                try {
                    client = Io.accept(server);
                } catch (IOException e) {
                    Scheduler.sleep(Duration.ofSeconds(1));
                    continue;
                }
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
                buffer.flip();
                while (buffer.hasRemaining()) {
                    // MISTAKE: a write that takes nothing sleeps 300 ms and tries again, instead of waiting for writable
                    if (client.write(buffer) == 0) Scheduler.sleep(Duration.ofMillis(300));
                }
            }
        }
    }
}
