// fails: no-spin, reset-connection
// selectNow() and a 400 ms LockSupport.parkNanos when nothing is ready: no Thread.sleep to see, too few wake-ups and
// waits begun to count as polling, but the thread is TIMED_WAITING at nearly every look (in select it would be RUNNABLE).
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
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                if (selector.selectNow() == 0) {                   // nothing ready: park a while, then ask again
                    java.util.concurrent.locks.LockSupport.parkNanos(400_000_000L);
                    continue;
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new long[1]);
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        long[] count = (long[]) key.attachment();
                        buffer.clear();
                        int n = client.read(buffer);
                        if (n >= 0) {
                            count[0] += n;
                        } else {
                            closed.accept(client.getRemoteAddress(), count[0]);
                            client.close();
                            finished++;
                        }
                    }
                }
            }
        }
    }
}
