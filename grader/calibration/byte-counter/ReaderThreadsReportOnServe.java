// fails: one-thread, reset-connection
// A thread per client does the reading (blocking), and hands its count to serve's thread through a queue, which
// reports it: every report comes on the thread that called serve, but serve started a thread per client.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        BlockingQueue<Map.Entry<SocketAddress, Long>> done = new LinkedBlockingQueue<>();
        int accepted = 0, reported = 0;
        server.configureBlocking(false);
        try {
            while (reported < clients) {
                SocketChannel client = accepted < clients ? server.accept() : null;
                if (client != null) {
                    accepted++;
                    Thread.ofPlatform().daemon().start(() -> {
                        try (client) {
                            client.configureBlocking(true);
                            ByteBuffer buffer = ByteBuffer.allocate(8192);
                            long count = 0;
                            int n;
                            while ((n = client.read(buffer)) >= 0) {
                                count += n;
                                buffer.clear();
                            }
                            done.add(Map.entry(client.getRemoteAddress(), count));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
                var entry = done.poll(accepted < clients ? 1 : 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (entry != null) {
                    closed.accept(entry.getKey(), entry.getValue());  // on serve's thread
                    reported++;
                }
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }
}
