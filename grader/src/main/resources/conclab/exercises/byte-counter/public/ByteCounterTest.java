import conclab.grader.probe.Property;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the byte-counter exercise: the learner may read them. Clients are threads of the test,
 * held by latches where it matters; every wait is bounded.
 */
class ByteCounterTest {
    static final long LIMIT_SECONDS = 10;

    /** What serve reported: remote address -> bytes, and the threads that reported. */
    final Map<SocketAddress, Long> counted = new ConcurrentHashMap<>();
    final Map<SocketAddress, String> reportedOn = new ConcurrentHashMap<>();
    final List<SocketChannel> clients = new ArrayList<>();
    /** Each client's own address, which is the server's remote address for it; kept, since a closed channel has none. */
    final Map<SocketChannel, SocketAddress> addresses = new ConcurrentHashMap<>();
    ServerSocketChannel server;
    Server running;

    @AfterEach
    void closeAll() throws IOException {
        for (SocketChannel c : clients) c.close();
        if (server != null) server.close();
    }

    @Test
    @Property("counts-bytes")
    void countsBytes() throws Exception {
        start(3);
        List<SocketChannel> three = List.of(connect(), connect(), connect());
        for (SocketChannel c : three) send(c, 200_000);   // more than a socket buffer: reads come in pieces
        for (SocketChannel c : three) c.close();
        running.awaitEnd("3 clients sent 200,000 bytes each and closed");
        for (SocketChannel c : three) expectCount(c, 200_000);
    }

    @Test
    @Property("serves-others-meanwhile")
    void servesOthersMeanwhile() throws Exception {
        start(2);
        SocketChannel quiet = connect();
        send(quiet, 10);                                  // then it says nothing for a while
        SocketChannel busy = connect();
        send(busy, 50_000);
        busy.close();
        boolean served = running.awaitReport(addressOf(busy), LIMIT_SECONDS);
        quiet.close();
        if (!served) {
            running.awaitEnd("both clients closed");
            throw new AssertionError("A client sent 50,000 bytes and closed, but serve did not report it while another "
                    + "client stayed connected and silent: it was waiting for the silent one. Read only the "
                    + "connections the selector says are ready.");
        }
        running.awaitEnd("both clients closed");
        expectCount(busy, 50_000);
        expectCount(quiet, 10);
    }

    @Test
    @Property("one-thread")
    void oneThread() throws Exception {
        start(3);
        List<SocketChannel> three = List.of(connect(), connect(), connect());
        for (SocketChannel c : three) send(c, 1000);
        for (SocketChannel c : three) c.close();
        running.awaitEnd("3 clients sent 1,000 bytes each and closed");
        for (SocketChannel c : three) {
            String on = reportedOn.get(addressOf(c));
            if (on == null) throw new AssertionError("A client that closed was never reported: " + counted);
            if (!on.equals(Server.NAME)) {
                throw new AssertionError("A client was reported on thread \"" + on + "\", not on the thread that called "
                        + "serve: one thread and a selector are enough for every client.");
            }
        }
    }

    /** A server socket on the loopback, and serve(server, clients, ...) running on a thread of its own. */
    void start(int clientCount) throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        running = new Server(server, clientCount, (address, bytes) -> {
            reportedOn.put(address, Thread.currentThread().getName());
            counted.merge(address, bytes, Long::sum);
        });
    }

    SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(server.getLocalAddress());
        clients.add(c);
        addresses.put(c, c.getLocalAddress());
        return c;
    }

    SocketAddress addressOf(SocketChannel c) {
        return addresses.get(c);
    }

    static void send(SocketChannel c, int bytes) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(bytes);
        while (data.hasRemaining()) c.write(data);
    }

    void expectCount(SocketChannel c, long bytes) {
        Long got = counted.get(addressOf(c));
        if (got == null) throw new AssertionError("A client that sent " + bytes + " bytes and closed was never reported.");
        if (got != bytes) throw new AssertionError("A client sent " + bytes + " bytes; serve counted " + got + ".");
    }

    /** serve(...) on a thread named {@link #NAME}, with bounded waits for its reports and its end. */
    static final class Server {
        static final String NAME = "serve";
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<SocketAddress, CountDownLatch> reported = new ConcurrentHashMap<>();

        Server(ServerSocketChannel server, int clients, java.util.function.BiConsumer<SocketAddress, Long> closed) {
            thread = Thread.ofPlatform().daemon().name(NAME).start(() -> {
                try {
                    ByteCounter.serve(server, clients, (address, bytes) -> {
                        closed.accept(address, bytes);
                        latch(address).countDown();
                    });
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
        }

        CountDownLatch latch(SocketAddress address) {
            return reported.computeIfAbsent(address, a -> new CountDownLatch(1));
        }

        boolean awaitReport(SocketAddress address, long seconds) throws InterruptedException {
            return latch(address).await(seconds, TimeUnit.SECONDS);
        }

        void awaitEnd(String when) throws InterruptedException {
            if (!thread.join(Duration.ofSeconds(LIMIT_SECONDS))) {
                throw new AssertionError("When " + when + ", serve had not returned after " + LIMIT_SECONDS
                        + " s: does it see a closed connection (read returns -1)?");
            }
            Throwable t = failure.get();
            if (t != null) throw new AssertionError("serve threw " + t, t);
        }
    }
}
