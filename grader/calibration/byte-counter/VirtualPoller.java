// fails: one-thread, no-spin
// serve registers the server channel, then waits in take() while a virtual thread polls the channels with a 2 ms sleep
// and hands it the reports: serve's thread uses no CPU and wakes up only for reports, but it is WAITING at every look.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.*;
import java.util.concurrent.*;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
            Runnable done = () -> {};
            Thread.ofVirtual().start(() -> {
                try {
                    Map<SocketChannel, Long> counts = new HashMap<>();
                    List<SocketChannel> open = new ArrayList<>();
                    ByteBuffer buffer = ByteBuffer.allocate(8192);
                    int accepted = 0, finished = 0;
                    while (finished < clients) {
                        Thread.sleep(2);
                        if (accepted < clients) {
                            SocketChannel client = server.accept();
                            if (client != null) { client.configureBlocking(false); open.add(client); counts.put(client, 0L); accepted++; }
                        }
                        for (Iterator<SocketChannel> it = open.iterator(); it.hasNext(); ) {
                            SocketChannel client = it.next();
                            buffer.clear();
                            int n;
                            try { n = client.read(buffer); } catch (IOException e) { n = -1; }
                            if (n > 0) counts.merge(client, (long) n, Long::sum);
                            else if (n < 0) {
                                SocketAddress a = client.getRemoteAddress(); long c = counts.remove(client);
                                client.close(); it.remove(); finished++;
                                events.put(() -> closed.accept(a, c));
                            }
                        }
                    }
                } catch (Exception e) { e.printStackTrace(); }
                finally { events.add(done); }
            });
            try {
                for (Runnable r; (r = events.take()) != done; ) r.run();
            } catch (InterruptedException e) { throw new java.io.InterruptedIOException(); }
        }
    }
}
