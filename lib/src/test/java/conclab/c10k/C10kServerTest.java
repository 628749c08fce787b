package conclab.c10k;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every kind of server, over real loopback sockets: the protocol byte for byte, split and pipelined requests, a
 * client that does not read, closes from either side, and the pool's queue and a thread that fails to start.
 * Waits are bounded (LIMIT) and end on what they wait for; nothing sleeps to synchronise.
 */
class C10kServerTest {
    /** A generous bound for anything that should take milliseconds: the machine is shared and slow. */
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] RESPONSE = Protocol.response();
    static final List<String> KINDS = C10kServer.KINDS;

    /** {@code n} copies of {@code bytes}, back to back. */
    static byte[] times(int n, byte[] bytes) {
        byte[] all = new byte[n * bytes.length];
        for (int i = 0; i < n; i++) System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
        return all;
    }

    /** A blocking client whose reads give up after LIMIT. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;

        Client(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) LIMIT.toMillis());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            in = socket.getInputStream();
        }

        void send(byte[] bytes) throws IOException {
            socket.getOutputStream().write(bytes);
        }

        /** Reads exactly {@code n} bytes; fails if the stream ends first. */
        byte[] read(int n) throws IOException {
            byte[] got = in.readNBytes(n);
            assertEquals(n, got.length, "the server closed the connection early");
            return got;
        }

        /** Reads {@code n} responses and checks that each is the response. */
        void expectResponses(int n) throws IOException {
            assertArrayEquals(times(n, RESPONSE), read(n * RESPONSE.length));
        }

        /** Closes the client's side, and reads what comes until the server closes its side. */
        byte[] endAndReadRest() throws IOException {
            socket.shutdownOutput();
            return in.readAllBytes();
        }

        /** Whether the server has closed the connection: a read returns -1, or the connection was reset. */
        boolean closedByServer() throws IOException {
            try {
                return in.read() == -1;
            } catch (SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Wraps a server's thread factory: records every thread it makes, and makes thread number {@code failing}
     * (counted from 1; 0 for none) fail to start as the JVM does when the OS refuses a thread.
     */
    static final class Threads implements UnaryOperator<ThreadFactory> {
        final List<Thread> made = new CopyOnWriteArrayList<>();
        final AtomicInteger asked = new AtomicInteger();
        final int failing;

        Threads(int failing) {
            this.failing = failing;
        }

        @Override
        public ThreadFactory apply(ThreadFactory factory) {
            return task -> {
                if (asked.incrementAndGet() == failing)
                    throw new OutOfMemoryError("unable to create native thread: the test's factory refuses");
                Thread t = factory.newThread(task);
                made.add(t);
                return t;
            };
        }

        List<Thread> alive() {
            return made.stream().filter(Thread::isAlive).toList();
        }
    }

    /** Waits until {@code condition} holds, polling; fails after LIMIT. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("still not " + what + " after " + LIMIT.toSeconds() + " s");
            Thread.sleep(5); // polls a condition: the condition, not the sleep, is what the test waits for
        }
    }

    @ParameterizedTest
    @FieldSource("KINDS")
    void answersARequestWithExactlyTheResponse(String kind) throws IOException {
        try (var server = C10kServer.start(kind, 0); var c = new Client(server.port())) {
            assertEquals(kind, server.name());
            c.send(REQUEST);
            assertArrayEquals(RESPONSE, c.read(RESPONSE.length));
            c.send(REQUEST); // keep-alive: the same connection serves the next one
            c.expectResponses(1);
            assertArrayEquals(new byte[0], c.endAndReadRest()); // and not one byte more
        }
    }

    @ParameterizedTest
    @FieldSource("KINDS")
    void answersRequestsSentByteByByte(String kind) throws IOException {
        try (var server = C10kServer.start(kind, 0); var c = new Client(server.port())) {
            for (byte b : times(3, REQUEST)) c.send(new byte[] {b}); // a write each, TCP_NODELAY: a segment each
            c.expectResponses(3);
            assertArrayEquals(new byte[0], c.endAndReadRest());
        }
    }

    @ParameterizedTest
    @FieldSource("KINDS")
    void answersAHundredPipelinedRequestsInOrder(String kind) throws IOException {
        try (var server = C10kServer.start(kind, 0); var c = new Client(server.port())) {
            c.send(times(100, REQUEST));
            c.expectResponses(100);
            c.send(times(100, REQUEST));
            assertArrayEquals(times(100, RESPONSE), c.endAndReadRest()); // answered before the server closes
        }
    }

    @ParameterizedTest
    @FieldSource("KINDS")
    void closesItsSideWhenTheClientClosesItsSide(String kind) throws IOException {
        try (var server = C10kServer.start(kind, 0); var c = new Client(server.port())) {
            c.send(REQUEST);
            c.expectResponses(1);
            c.socket.shutdownOutput();
            assertEquals(-1, c.in.read()); // within LIMIT, or a SocketTimeoutException fails the test
        }
    }

    /**
     * A client that sends pipelined requests and reads nothing: 10,000 of them in one buffer, and again, until its
     * writes stall for a second. A server that stops reading stalls it (a blocking server's thread waits in write,
     * a loop stops reading beyond 64 KiB unsent); one that went on reading would take all it is sent, up to the
     * cap. Then the client reads: every response comes, in order, none lost, none more.
     */
    @ParameterizedTest
    @FieldSource("KINDS")
    void aClientThatDoesNotReadIsNotReadUntilItReadsAndLosesNothing(String kind) throws IOException {
        final long cap = 128L << 20; // bytes of requests: far beyond every socket buffer on the way
        byte[] request = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (var server = C10kServer.start(kind, 0); SocketChannel c = SocketChannel.open();
             Selector selector = Selector.open()) {
            c.setOption(StandardSocketOptions.SO_RCVBUF, 8192); // before connect: a small window, kept small
            c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            c.configureBlocking(false);
            SelectionKey key = c.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer batch = ByteBuffer.wrap(times(10_000, request));
            long written = 0;
            while (true) {
                assertTrue(written < cap, kind + " went on reading a client that read nothing: "
                        + (written >> 20) + " MiB of requests taken");
                int n = c.write(batch);
                written += n;
                if (!batch.hasRemaining()) batch.clear();
                if (n > 0) continue;
                if (selector.select(1000) == 0) break; // no room for a second: the server has stopped reading
                selector.selectedKeys().clear();
            }
            long requests = written / request.length, partial = written % request.length;
            key.interestOps(SelectionKey.OP_READ);
            readResponses(c, selector, requests);
            if (partial > 0) { // finish the last request, now that the server reads again
                ByteBuffer rest = ByteBuffer.wrap(request, (int) partial, request.length - (int) partial);
                while (rest.hasRemaining()) c.write(rest); // a few bytes into a drained socket
                readResponses(c, selector, 1);
            }
            c.shutdownOutput();
            assertEquals(-1, readSome(c, selector, ByteBuffer.allocate(1)), "a byte more than the requests' answers");
        }
    }

    /** Reads {@code n} responses from a non-blocking channel and checks every byte. */
    static void readResponses(SocketChannel c, Selector selector, long n) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(64 * RESPONSE.length);
        for (long got = 0, want = n * RESPONSE.length; got < want; ) {
            in.clear().limit((int) Math.min(in.capacity(), want - got)); // whole responses: got stays a multiple
            while (in.hasRemaining()) {
                if (readSome(c, selector, in) < 0) fail("the server closed after " + got / RESPONSE.length + " of " + n);
            }
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) != RESPONSE[i % RESPONSE.length])
                    fail("byte " + (got + i) + " of the answers is wrong");
            }
            got += in.position();
        }
    }

    /** One read, after waiting up to LIMIT for the channel to be readable. */
    static int readSome(SocketChannel c, Selector selector, ByteBuffer into) throws IOException {
        int n = c.read(into);
        if (n != 0) return n;
        if (selector.select(LIMIT.toMillis()) == 0) fail("nothing to read for " + LIMIT.toSeconds() + " s");
        selector.selectedKeys().clear();
        return c.read(into);
    }

    /**
     * With 50 connections open and served, close() closes every one of them, ends every thread the server made
     * (close waits for them: they are dead when it returns), and frees the port.
     */
    @ParameterizedTest
    @FieldSource("KINDS")
    void closeLeavesNothing(String kind) throws IOException {
        Threads threads = new Threads(0);
        C10kServer server = Servers.start(kind, 0, 0, threads);
        int port = server.port();
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Client c = new Client(port);
                clients.add(c);
                c.send(REQUEST);
                c.expectResponses(1);
            }
            int least = switch (kind) {
                case "threads", "pool", "virtual" -> 51; // the acceptor and a thread per connection
                case "loops" -> 1 + Runtime.getRuntime().availableProcessors();
                default -> 1;
            };
            assertTrue(threads.alive().size() >= least, kind + " runs on " + threads.alive());
            server.close();
            assertEquals(List.of(), threads.alive(), "threads of " + kind + " alive after close");
            for (Client c : clients) assertTrue(c.closedByServer(), "a connection still open after close");
            Servers.listen(port).close(); // the port is free
            server.close(); // idempotent
        } finally {
            server.close();
            for (Client c : clients) c.close();
        }
    }

    /** A hundred clients at once, each with its own requests, on connections spread over the threads or loops. */
    @ParameterizedTest
    @FieldSource("KINDS")
    void servesManyClientsAtOnce(String kind) throws Exception {
        try (var server = C10kServer.start(kind, 0); ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                done.add(clients.submit(() -> {
                    try (var c = new Client(server.port())) {
                        for (int r = 1; r <= 5; r++) {
                            c.send(times(r, REQUEST));
                            c.expectResponses(r);
                        }
                        assertArrayEquals(new byte[0], c.endAndReadRest());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * A pool of 2 threads: 2 connections hold both, so a third is accepted but waits in the pool's queue, unanswered;
     * once one of the two closes, its thread takes the third.
     */
    @Test
    void thePoolsThirdConnectionWaitsUntilOneOfTwoCloses() throws Exception {
        try (var server = (BlockingServer) C10kServer.start("pool", 0, 2);
             var first = new Client(server.port()); var second = new Client(server.port());
             var third = new Client(server.port())) {
            for (Client c : List.of(first, second)) {
                c.send(REQUEST);
                c.expectResponses(1); // so its thread is on it, blocked in its next read
            }
            third.send(REQUEST);
            await("waiting in the queue", () -> server.waiting() == 1); // accepted by the acceptor, given no thread
            assertEquals(0, third.in.available(), "the third connection was answered while both threads were busy");
            first.close();
            third.expectResponses(1);
            assertEquals(0, server.waiting());
            second.send(REQUEST);
            second.expectResponses(1);
        }
    }

    /** A platform thread that cannot be started costs its connection, which is closed, and counted; the server goes on. */
    @Test
    void threadsClosesAConnectionItHasNoThreadForAndGoesOn() throws Exception {
        Threads threads = new Threads(3); // the acceptor is the 1st, the first connection's the 2nd
        try (var server = (BlockingServer) Servers.start("threads", 0, 0, threads);
             var first = new Client(server.port()); var second = new Client(server.port())) {
            first.send(REQUEST);
            first.expectResponses(1);
            assertTrue(second.closedByServer(), "the connection with no thread is still open");
            assertEquals(1, server.failedStarts());
            try (var third = new Client(server.port())) {
                third.send(REQUEST);
                third.expectResponses(1);
            }
            first.send(REQUEST);
            first.expectResponses(1);
            assertEquals(0, server.waiting());
        }
        assertEquals(List.of(), threads.alive());
    }

    @Test
    void unknownKindsAndSizesAreRefusedWithWhatIsKnown() {
        var e = assertThrows(IllegalArgumentException.class, () -> C10kServer.start("fibers", 0));
        assertTrue(e.getMessage().contains("threads, pool, loop, loops, bare, virtual"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> C10kServer.start("loop", 0, 4));
        assertThrows(IllegalArgumentException.class, () -> C10kServer.start("pool", 0, -1));
    }

    @Test
    void aPortInUseIsAnIOExceptionAndLeavesNoThread() throws IOException {
        try (var taken = Servers.listen(0)) {
            int port = taken.socket().getLocalPort();
            for (String kind : KINDS) {
                Threads threads = new Threads(0);
                assertThrows(java.net.BindException.class, () -> Servers.start(kind, port, 0, threads), kind);
                assertEquals(List.of(), threads.alive(), kind);
            }
        }
    }

    @Test
    void aLoopsServerRunsAnAcceptorLoopAndItsServingLoops() throws IOException {
        Threads threads = new Threads(0);
        try (var server = Servers.start("loops", 0, 3, threads); var a = new Client(server.port());
             var b = new Client(server.port())) {
            assertEquals(4, threads.made.size(), "an acceptor loop and 3 serving loops");
            for (Client c : List.of(a, b)) {
                c.send(REQUEST);
                c.expectResponses(1);
            }
        }
        assertFalse(threads.made.isEmpty());
        assertEquals(List.of(), threads.alive());
    }
}
