// fails: one-thread
// As the calibration SpinningPoller, with the busy poller borrowed from the common pool instead of a static executor:
// a pool thread spins on selectNow() over the clients and wakes serve's selector when one is ready; serve's thread
// blocks in select() and does the reads and reports. A core is burnt while every client is silent.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

class ByteCounter {

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Queue<SelectionKey> ready = new ConcurrentLinkedQueue<>();
        try (Selector selector = Selector.open(); Selector polled = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            Future<?> poller = java.util.concurrent.ForkJoinPool.commonPool().submit(() -> {
                while (polled.isOpen()) {
                    try {
                        if (polled.selectNow() == 0) continue;          // spins while nothing is ready
                        for (SelectionKey k : polled.selectedKeys()) {
                            k.interestOps(0);                            // serve re-arms it once read
                            ready.add(k);
                        }
                        polled.selectedKeys().clear();
                        selector.wakeup();
                    } catch (Exception e) {
                        // closed meanwhile
                    }
                }
            });
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    it.next();
                    it.remove();
                    SocketChannel c = server.accept();
                    if (c == null) continue;
                    c.configureBlocking(false);
                    c.register(polled, SelectionKey.OP_READ, new long[1]);
                }
                for (SelectionKey key; (key = ready.poll()) != null; ) {
                    SocketChannel client = (SocketChannel) key.channel();
                    long[] count = (long[]) key.attachment();
                    int n;
                    try {
                        while ((n = client.read(buffer.clear())) > 0) count[0] += n;
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        closed.accept(client.getRemoteAddress(), count[0]);
                        client.close();
                        finished++;
                    } else {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
            }
            polled.close();
            try {
                poller.get();
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
