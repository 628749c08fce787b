// fails: no-spin, reset-connection
// No selector: non-blocking channels polled in rounds, with a 2 ms sleep between rounds "so as not to spin". It
// counts every byte right and uses little CPU, but wakes 500 times a second for nothing and never waits for
// readiness: the server channel is never registered with a selector.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        server.configureBlocking(false);
        Map<SocketChannel, Long> counts = new HashMap<>();
        List<SocketChannel> open = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        int accepted = 0, finished = 0;
        while (finished < clients) {
            try {
                Thread.sleep(2);                                 // "so as not to spin"
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            if (accepted < clients) {
                SocketChannel client = server.accept();          // null at once when nobody is connecting
                if (client != null) {
                    client.configureBlocking(false);
                    open.add(client);
                    counts.put(client, 0L);
                    accepted++;
                }
            }
            for (Iterator<SocketChannel> it = open.iterator(); it.hasNext(); ) {
                SocketChannel client = it.next();
                buffer.clear();
                int n = client.read(buffer);                     // 0 at once when nothing has arrived
                if (n > 0) {
                    counts.merge(client, (long) n, Long::sum);
                } else if (n < 0) {
                    closed.accept(client.getRemoteAddress(), counts.remove(client));
                    client.close();
                    it.remove();
                    finished++;
                }
            }
        }
    }
}
