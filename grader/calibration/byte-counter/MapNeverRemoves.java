// fails: bounded-memory
// MapNeverRemoves: keeps each client's count and its own 64 KiB buffer in a Map keyed by its channel, and never
// removes a closed client's entry: the map (closed channels, their buffers) grows with every client served.
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
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Map<SocketChannel, Long> counts = new HashMap<>();
        Map<SocketChannel, ByteBuffer> buffers = new HashMap<>();
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
                        client.register(selector, SelectionKey.OP_READ);
                        counts.put(client, 0L);
                        buffers.put(client, ByteBuffer.allocate(64 << 10));
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        ByteBuffer buffer = buffers.get(client);
                        buffer.clear();
                        int n;
                        try { n = client.read(buffer); } catch (IOException e) { n = -1; }
                        if (n >= 0) counts.merge(client, (long) n, Long::sum);
                        else {
                            SocketAddress address = client.getRemoteAddress();
                            client.close();                     // but counts and buffers keep it
                            finished++;
                            closed.accept(address, counts.get(client));
                        }
                    }
                }
            }
            for (SelectionKey key : selector.keys()) if (key.channel() != server) key.channel().close();
        }
    }
}
