// fails: one-thread
// As CommonPoolAcceptor, with the accept loop run by CompletableFuture.runAsync, which in JDK 25 runs on the common
// pool whatever the processor count (ForkJoinPool.asyncCommonPool): a worker left by the earlier tests accepts.
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
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Queue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        try (Selector selector = Selector.open(); Selector acceptSelector = Selector.open()) {
            server.configureBlocking(false);
            server.register(acceptSelector, SelectionKey.OP_ACCEPT);
            java.util.concurrent.CompletableFuture<Void> acceptor = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                while (!done.get()) {
                    acceptSelector.select();
                    acceptSelector.selectedKeys().clear();
                    for (SocketChannel c; (c = server.accept()) != null; ) {
                        accepted.add(c);
                        selector.wakeup();
                    }
                }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
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
            done.set(true);
            acceptSelector.wakeup();
            try {
                acceptor.get();
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
