// fails: one-thread
// As VirtualReadersWakeup, with a pool of platform reader threads made once, when the class is first used, and kept
// for later calls: a test that calls serve after others sees no thread started, and serve is RUNNABLE in select() and
// reports on its own thread. one-thread runs a fresh copy of the class (its pool is started in the window) and sees
// who reads the bytes.
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

class ByteCounter {
    static final ExecutorService READERS = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "reader");
        t.setDaemon(true);
        return t;
    });
    static {
        for (int i = 0; i < 8; i++) READERS.execute(() -> { });   // start all eight now
    }

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
                    READERS.execute(() -> {
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
