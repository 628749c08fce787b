// fails: closes, reset-connection
// Closes each connection at its end, and at the end deregisters the server channel (cancels its key, and lets
// selectNow() flush it) instead of closing the selector: every call leaks the selector (its epoll descriptor and
// its wake-up eventfd). The check sees only that the server channel is no longer registered, and counts sockets.
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
    /**
     * Serves `clients` connections of server, on this thread only, with a selector: accepts them, reads
     * whatever each sends, and when one closes (or resets its connection) calls closed.accept(its remote
     * address, the bytes read from it).
     * Returns when all of them have closed.
     */
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Selector selector = Selector.open();             // never closed
        {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();                       // or the next select reports it again
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;     // someone else took it: nothing to accept
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new long[1]); // its count
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        long[] count = (long[]) key.attachment();
                        buffer.clear();
                        int n;
                        try {
                            n = client.read(buffer);
                        } catch (IOException e) {         // reset by the client: its end too
                            n = -1;
                        }
                        if (n >= 0) {
                            count[0] += n;
                        } else {                          // the client closed (or reset): report and forget it
                            closed.accept(client.getRemoteAddress(), count[0]);
                            client.close();               // also cancels its key
                            finished++;
                        }
                    }
                }
            }
            server.keyFor(selector).cancel();             // "the server channel must no longer be registered"
            selector.selectNow();                         // flushes the cancelled key: deregistered
        }
    }
}