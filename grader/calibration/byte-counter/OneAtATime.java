// fails: serves-others-meanwhile, reset-connection
// A blocking server on one thread: it reads each client to its end before it accepts the next.
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
        for (int i = 0; i < clients; i++) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                long count = 0;
                int n;
                while ((n = client.read(buffer)) >= 0) {
                    count += n;
                    buffer.clear();
                }
                closed.accept(client.getRemoteAddress(), count);
            }
        }
    }
}
