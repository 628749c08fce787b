// fails: one-thread
// As the calibration StaticAcceptor, with the executor kept in the system properties (a Hashtable of Objects) instead
// of a static field: a fresh copy of the class finds the one the earlier tests started.
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
    /** The acceptor, made at the first call and kept where every copy of this class finds it. */
    private static ExecutorService acceptor() {
        return (ExecutorService) System.getProperties().computeIfAbsent("bytecounter.acceptor",
                k -> Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "acceptor");
                    t.setDaemon(true);
                    return t;
                }));
    }

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Queue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            Future<?> acceptor = acceptor().submit(() -> {
                try (Selector acceptSelector = Selector.open()) {
                    server.register(acceptSelector, SelectionKey.OP_ACCEPT);
                    for (int n = 0; n < clients; ) {
                        acceptSelector.select();
                        acceptSelector.selectedKeys().clear();
                        SocketChannel c = server.accept();
                        if (c == null) continue;
                        accepted.add(c);
                        n++;
                        selector.wakeup();
                    }
                    // keep the server registered until serve ends (it closes its selector)
                    while (selector.isOpen()) acceptSelector.select(200);
                }
                return null;
            });
            server.register(selector, 0);             // serve's selector watches the server too (for nothing)
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                for (SocketChannel c; (c = accepted.poll()) != null; ) {
                    c.configureBlocking(false);
                    c.register(selector, SelectionKey.OP_READ, new long[1]);
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid() || !key.isReadable()) continue;
                    SocketChannel client = (SocketChannel) key.channel();
                    long[] count = (long[]) key.attachment();
                    buffer.clear();
                    int n;
                    try {
                        n = client.read(buffer);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n >= 0) {
                        count[0] += n;
                    } else {
                        closed.accept(client.getRemoteAddress(), count[0]);
                        client.close();
                        finished++;
                    }
                }
            }
            selector.close();
            try {
                acceptor.get();                       // its selector closed: the server is registered nowhere
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
