// fails:
// Correct: each client's count and its own fixed 64 KiB buffer in a HashMap keyed by its channel (no attachment),
// the entry removed as soon as the client has ended: what serve keeps grows with the clients connected, not with those served.
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

class ByteCounter {
    private static final class Client {
        final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
        long count;
    }

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Map<SocketChannel, Client> connected = new HashMap<>();
        try (Selector selector = Selector.open()) {
            try {
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
                int finished = 0;
                while (finished < clients) {
                    selector.select();
                    if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("serve was interrupted");
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey key = ready.next();
                        ready.remove();
                        if (key.isAcceptable()) {
                            SocketChannel channel = server.accept();
                            if (channel == null) continue;
                            channel.configureBlocking(false);
                            channel.register(selector, SelectionKey.OP_READ);
                            connected.put(channel, new Client());
                        } else if (key.isReadable()) {
                            SocketChannel channel = (SocketChannel) key.channel();
                            Client client = connected.get(channel);
                            int n;
                            try {
                                n = channel.read(client.buffer.clear());
                            } catch (IOException e) {
                                n = -1;
                            }
                            if (n >= 0) {
                                client.count += n;
                            } else {
                                SocketAddress address = channel.getRemoteAddress();
                                channel.close();
                                connected.remove(channel);
                                finished++;
                                closed.accept(address, client.count);
                            }
                        }
                    }
                }
            } finally {
                for (SocketChannel channel : connected.keySet()) channel.close();
            }
        }
    }
}
