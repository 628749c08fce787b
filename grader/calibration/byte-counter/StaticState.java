// fails: serves-others-meanwhile
// StaticState: the selector, the buffer and the finished counter are static fields (shared by helper methods),
// reset at the start of each serve: two serve calls at once (two servers in one JVM) overwrite each other's
// selector and counter, read into one buffer, and one returns early or never.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.*;
import java.util.function.BiConsumer;

class ByteCounter {
    static Selector selector;
    static final ByteBuffer buffer = ByteBuffer.allocate(8192);
    static int finished;
    static BiConsumer<SocketAddress, Long> closed;

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> onClosed) throws IOException {
        selector = Selector.open();
        finished = 0;
        closed = onClosed;
        try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) accept(server);
                    else if (key.isReadable()) read(key);
                }
            }
        } finally {
            for (SelectionKey key : selector.keys()) if (key.channel() != server) key.channel().close();
            selector.close();
        }
    }

    static void accept(ServerSocketChannel server) throws IOException {
        SocketChannel client = server.accept();
        if (client == null) return;
        client.configureBlocking(false);
        client.register(selector, SelectionKey.OP_READ, new long[1]);
    }

    static void read(SelectionKey key) throws IOException {
        SocketChannel client = (SocketChannel) key.channel();
        long[] count = (long[]) key.attachment();
        buffer.clear();
        int n;
        try { n = client.read(buffer); } catch (IOException e) { n = -1; }
        if (n >= 0) { count[0] += n; return; }
        SocketAddress address = client.getRemoteAddress();
        client.close();
        finished++;
        closed.accept(address, count[0]);
    }
}
