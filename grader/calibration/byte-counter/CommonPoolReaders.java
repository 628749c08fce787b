// fails: one-thread
// As VirtualReadersWakeup, with the reads done by CompletableFuture.runAsync: on the common pool's workers (JDK 25
// runs async tasks there whatever the processor count). serve is RUNNABLE in select() and reports on its own thread;
// the workers started, and who reads the bytes, give it away.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Queue<Map.Entry<SocketAddress, Long>> done = new ConcurrentLinkedQueue<>();
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            int reported = 0;
            while (reported < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    it.next();
                    it.remove();
                    SocketChannel client = server.accept();
                    if (client == null) continue;
                    java.util.concurrent.CompletableFuture.runAsync(() -> {
                        long count = 0;
                        SocketAddress from = null;
                        try (client) {
                            from = client.getRemoteAddress();
                            ByteBuffer buffer = ByteBuffer.allocate(8192);
                            int n;
                            while ((n = client.read(buffer)) >= 0) {
                                count += n;
                                buffer.clear();
                            }
                        } catch (IOException e) {
                            // reset: at its end too
                        }
                        done.add(Map.entry(from, count));
                        selector.wakeup();
                    });
                }
                for (Map.Entry<SocketAddress, Long> e; (e = done.poll()) != null; reported++) {
                    closed.accept(e.getKey(), e.getValue());   // on serve's thread
                }
            }
        }
    }
}
