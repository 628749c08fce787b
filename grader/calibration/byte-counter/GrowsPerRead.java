// fails: bounded-memory
// GrowsPerRead: each client has its own buffer, cleared before each read and doubled whenever one read fills it
// ("the next read gets everything that arrived"), never shrunk and kept while the client is connected: one read per
// readiness, so it grows to what the socket holds at once (megabytes per client on loopback), per client.
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
    static final class Client { ByteBuffer buffer = ByteBuffer.allocate(1024); long count; }

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new Client());
                    } else if (key.isReadable()) {
                        SocketChannel channel = (SocketChannel) key.channel();
                        Client c = (Client) key.attachment();
                        c.buffer.clear();
                        int n;
                        try { n = channel.read(c.buffer); } catch (IOException e) { n = -1; }
                        if (n > 0) {
                            c.count += n;
                            if (!c.buffer.hasRemaining()) c.buffer = ByteBuffer.allocate(c.buffer.capacity() * 2);
                        }
                        if (n < 0) {
                            SocketAddress address = channel.getRemoteAddress();
                            channel.close();
                            finished++;
                            closed.accept(address, c.count);
                        }
                    }
                }
            }
            for (SelectionKey key : selector.keys()) if (key.channel() != server) key.channel().close();
        }
    }
}
