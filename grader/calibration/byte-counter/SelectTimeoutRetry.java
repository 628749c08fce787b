// fails:
// Correct, if unusual: select(300) in a loop "so that it never blocks for ever". Decided acceptable (2026-12): it is
// not a busy wait (about 3 wake-ups a second, far under no-spin's 6), and it looks at the interrupt flag after every
// select, the timed-out ones included, so an interrupted serve ends.
// 3 times a second for nothing while every client is silent (polling, just slowly).
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
        // BEGIN SOLUTION
        Selector selector = Selector.open();
        try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                int selected = selector.select(300);
                // An interrupt wakes select() (and every later one) at once: end serve, or it would spin. The flag
                // stays set for the caller, as an interrupted channel leaves it (ClosedByInterruptException).
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                if (selected == 0) continue;                 // nothing yet: ask again
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
                        } else {                          // the client closed (or reset): close, then report
                            SocketAddress address = client.getRemoteAddress();
                            client.close();               // also cancels its key
                            finished++;
                            closed.accept(address, count[0]);
                        }
                    }
                }
            }
        } finally {                                       // even if serve ends by an exception: no client left open
            for (SelectionKey key : selector.keys()) if (key.channel() != server) key.channel().close();
            selector.close();
        }
        // END SOLUTION
    }
}