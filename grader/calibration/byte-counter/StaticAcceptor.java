// fails: one-thread
// accepting is done on another thread, a static single-thread executor's (Doug Lea's "main reactor" /
// Netty's "boss" thread), made at the first call and kept; serve's thread only reads and reports. serve is not
// one-thread: its first call starts a thread, and every call hands the accepting to it.
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
    private static final ExecutorService ACCEPTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "acceptor");
        t.setDaemon(true);
        return t;
    });

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Queue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            Future<?> acceptor = ACCEPTOR.submit(() -> {
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
