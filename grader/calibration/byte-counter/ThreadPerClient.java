// fails: one-thread, reset-connection
// A thread per client, which works, but the exercise is to need none.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SocketChannel client = server.accept();
            threads.add(Thread.ofPlatform().start(() -> {
                try (client) {
                    ByteBuffer buffer = ByteBuffer.allocate(8192);
                    long count = 0;
                    int n;
                    while ((n = client.read(buffer)) >= 0) {
                        count += n;
                        buffer.clear();
                    }
                    closed.accept(client.getRemoteAddress(), count);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
    }
}
