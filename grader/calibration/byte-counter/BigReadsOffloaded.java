// fails: one-thread
// Reads on serve's thread, but a client whose read fills the whole buffer (a big sender) is drained by a worker of a
// static pool, so that it does not hold up the others; serve's thread re-arms its key and reports. The pool's
// threads start only when a client sends more than a buffer at once: one-thread's clients send 1,000 bytes each.
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

class ByteCounter {
    private static final ExecutorService DRAINERS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "drainer");
        t.setDaemon(true);
        return t;
    });

    /** A client's count, and whether a drainer found its end. */
    static final class Conn {
        final AtomicLong bytes = new AtomicLong();
        volatile boolean ended;
    }

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Queue<SelectionKey> drained = new ConcurrentLinkedQueue<>();
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                for (SelectionKey key; (key = drained.poll()) != null; ) {
                    Conn c = (Conn) key.attachment();
                    SocketChannel client = (SocketChannel) key.channel();
                    if (c.ended) {
                        closed.accept(client.getRemoteAddress(), c.bytes.get());
                        client.close();
                        finished++;
                    } else {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) continue;
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new Conn());
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        Conn c = (Conn) key.attachment();
                        buffer.clear();
                        int n;
                        try {
                            n = client.read(buffer);
                        } catch (IOException e) {
                            n = -1;
                        }
                        if (n == buffer.capacity()) {      // a big sender: a drainer reads the rest
                            c.bytes.addAndGet(n);
                            key.interestOps(0);
                            DRAINERS.execute(() -> {
                                ByteBuffer b = ByteBuffer.allocate(8192);
                                try {
                                    int m;
                                    while ((m = client.read(b.clear())) > 0) c.bytes.addAndGet(m);
                                    if (m < 0) c.ended = true;
                                } catch (IOException e) {
                                    c.ended = true;
                                }
                                drained.add(key);
                                selector.wakeup();
                            });
                        } else if (n >= 0) {
                            c.bytes.addAndGet(n);
                        } else {
                            closed.accept(client.getRemoteAddress(), c.bytes.get());
                            client.close();
                            finished++;
                        }
                    }
                }
            }
        }
    }
}
