// fails: accept-fails
// A failed accept (out of file descriptors: EMFILE) is retried at once: the listening channel stays acceptable, so the acceptor spins on the scheduler's thread, and no other task runs, until a descriptor is free.
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
                    continue; // MISTAKE: a failed accept (EMFILE) is retried at once: the acceptor spins until a descriptor frees
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
                Io.writeAll(client, buffer.flip());
            }
        }
    }
}
