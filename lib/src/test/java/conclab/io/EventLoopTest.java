package conclab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tests of EventLoop and Transfers: many connections, partial reads and writes, failures, timers, closing. */
class EventLoopTest {
    /** A generous bound for anything that should take milliseconds: the machine is shared and slow. */
    static final Duration LIMIT = Duration.ofSeconds(30);

    /** Runs {@code loop} on a thread of its own and waits for run() to return; fails if it has not within LIMIT. */
    static void runBounded(EventLoop loop) throws InterruptedException {
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        Thread t = Thread.ofPlatform().name("test-loop").start(() -> {
            try {
                loop.run();
            } catch (Throwable e) {
                thrown.add(e);
            }
        });
        if (!t.join(LIMIT)) {
            loop.stop();
            t.join(Duration.ofSeconds(5));
            fail("the loop was still running after " + LIMIT.toSeconds() + " s");
        }
        if (!thrown.isEmpty()) throw new AssertionError("run() threw", thrown.get(0));
    }

    /** A loop whose errors are collected, not printed. */
    static EventLoop loop(List<String> errors) throws IOException {
        EventLoop loop = new EventLoop();
        loop.onError((what, e) -> errors.add(what + ": " + e));
        return loop;
    }

    static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        return server;
    }

    /**
     * An echo server on {@code loop}: echoes every byte of every connection, in order, whatever the pieces; when a
     * client has finished sending (end of stream) and everything is echoed, closes the connection. Stops accepting
     * after {@code clients} connections.
     */
    static void echoServer(EventLoop loop, ServerSocketChannel server, int clients) {
        AtomicInteger accepted = new AtomicInteger();
        loop.onAcceptable(server, () -> {
            SocketChannel c = server.accept();
            if (c == null) return;
            new Echo(loop, c).start();
            if (accepted.incrementAndGet() == clients) server.close();
        });
    }

    /** One echoed connection: bytes read wait in {@code pending} until written; reading pauses while it is full. */
    static final class Echo {
        final EventLoop loop;
        final SocketChannel channel;
        final ByteBuffer pending = ByteBuffer.allocate(16 * 1024); // write mode: bytes read, not yet written
        boolean ended;

        Echo(EventLoop loop, SocketChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        void start() {
            loop.onReadable(channel, this::readable);
        }

        void readable() throws IOException {
            if (channel.read(pending) < 0) ended = true;
            update();
        }

        void writable() throws IOException {
            channel.write(pending.flip());
            pending.compact();
            update();
        }

        /** Watches for what can happen next: more to read while there is room, writable while there is something to write. */
        void update() throws IOException {
            if (ended && pending.position() == 0) {
                channel.close();
                return;
            }
            loop.onReadable(channel, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(channel, pending.position() > 0 ? this::writable : null);
        }
    }

    static byte[] pattern(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------- many connections

    @Test
    void twoHundredEchoClientsAtOnce() throws Exception {
        int clients = 200;
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        ServerSocketChannel server = listen();
        echoServer(loop, server, clients);
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < clients; i++) {
            byte[] message = pattern(1000 + 37 * i, i);
            int id = i;
            Transfers.connect(loop, server.getLocalAddress(), c ->
                    Transfers.writeAll(loop, c, ByteBuffer.wrap(message), () -> {
                        c.shutdownOutput(); // end of stream: the server closes once all is echoed
                        Transfers.readToEnd(loop, c, echoed -> {
                            if (!java.util.Arrays.equals(message, echoed)) wrong.add("client " + id);
                            done.incrementAndGet();
                            c.close();
                        });
                    }));
        }
        runBounded(loop);
        loop.close();
        assertEquals(List.of(), errors);
        assertEquals(List.of(), wrong);
        assertEquals(clients, done.get());
    }

    // ---------------------------------------------------------------- partial writes and reads

    @Test
    void aWriteLargerThanTheSocketBufferGoesOutInPieces() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        ServerSocketChannel server = listen();
        server.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        byte[] big = pattern(8 << 20, 1); // 8 MB, far more than the buffers between the two ends hold
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        loop.onAcceptable(server, () -> {
            SocketChannel c = server.accept();
            server.close();
            Transfers.readToEnd(loop, c, all -> {
                received.write(all);
                c.close();
            });
        });
        AtomicInteger writes = new AtomicInteger();
        ByteBuffer out = ByteBuffer.wrap(big);
        Transfers.connect(loop, server.getLocalAddress(), c -> {
            c.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            loop.onWritable(c, () -> {
                writes.incrementAndGet();
                c.write(out);
                if (out.hasRemaining()) return;
                loop.onWritable(c, null);
                c.close();
            });
        });
        runBounded(loop);
        loop.close();
        assertEquals(List.of(), errors);
        assertArrayEquals(big, received.toByteArray(), "the reader got other bytes than were written");
        assertTrue(writes.get() > 1, "8 MB went out in " + writes.get() + " write(s): expected many partial ones");
    }

    @Test
    void writeAllSendsEverythingThroughASmallBuffer() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        ServerSocketChannel server = listen();
        echoServer(loop, server, 1);
        byte[] big = pattern(4 << 20, 2);
        byte[][] echoed = new byte[1][];
        Transfers.connect(loop, server.getLocalAddress(), c -> {
            c.setOption(StandardSocketOptions.SO_SNDBUF, 8 * 1024);
            // read while writing: the echo comes back while the rest is still being written
            Transfers.readToEnd(loop, c, all -> {
                echoed[0] = all;
                c.close();
            });
            Transfers.writeAll(loop, c, ByteBuffer.wrap(big), c::shutdownOutput);
        });
        runBounded(loop);
        loop.close();
        assertEquals(List.of(), errors);
        assertArrayEquals(big, echoed[0]);
    }

    @Test
    void aMessageSplitInManyPiecesIsReassembled() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        ServerSocketChannel server = listen();
        String message = "a message sent in many small pieces, each one after the loop has read the one before\n".repeat(3);
        int pieces = message.length(); // one byte each
        AtomicInteger reads = new AtomicInteger();
        Semaphore readSome = new Semaphore(0);
        StringBuilder got = new StringBuilder();
        loop.onAcceptable(server, () -> {
            SocketChannel c = server.accept();
            server.close();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            loop.onReadable(c, () -> {
                int n = c.read(buf.clear());
                if (n < 0) {
                    c.close();
                    return;
                }
                reads.incrementAndGet();
                got.append(new String(buf.array(), 0, n, StandardCharsets.US_ASCII));
                readSome.release();
            });
        });
        Thread sender = Thread.ofPlatform().start(() -> {
            try (SocketChannel c = SocketChannel.open(server.getLocalAddress())) { // a blocking client
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                for (byte b : message.getBytes(StandardCharsets.US_ASCII)) {
                    c.write(ByteBuffer.wrap(new byte[] {b}));
                    if (!readSome.tryAcquire(LIMIT.toSeconds(), TimeUnit.SECONDS)) return; // the loop is stuck
                }
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        runBounded(loop);
        sender.join(LIMIT);
        loop.close();
        assertEquals(List.of(), errors);
        assertEquals(message, got.toString());
        assertTrue(reads.get() >= pieces, "only " + reads.get() + " reads for " + pieces + " pieces");
    }

    // ---------------------------------------------------------------- failures

    @Test
    void aCallbackThatThrowsIsReportedAndTheLoopGoesOn() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        List<String> ran = new CopyOnWriteArrayList<>();
        loop.callSoon(() -> { throw new IllegalStateException("task broke"); });
        loop.callLater(Duration.ofMillis(5), () -> { throw new IOException("timer broke"); });
        loop.callLater(Duration.ofMillis(20), () -> ran.add("later timer"));
        Pipe pipe = Pipe.open();
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        loop.onReadable(pipe.source(), () -> { throw new IllegalArgumentException("reader broke"); });
        runBounded(loop);
        loop.close();
        assertEquals(List.of("later timer"), ran);
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("task broke"), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("readable callback of ") && e.contains("reader broke")), errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("timer ") && e.contains("timer broke")), errors.toString());
        assertFalse(pipe.source().isOpen(), "the channel whose callback threw should be closed");
    }

    @Test
    void byDefaultAFailingCallbackIsPrintedToStandardError() throws Exception {
        EventLoop loop = new EventLoop();
        Callback named = new Callback() {
            @Override
            public void run() {
                throw new IllegalStateException("boom");
            }

            @Override
            public String toString() {
                return "the named callback";
            }
        };
        loop.callSoon(named);
        AtomicInteger after = new AtomicInteger();
        loop.callSoon(after::incrementAndGet);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            runBounded(loop);
        } finally {
            System.setErr(err);
        }
        loop.close();
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("task the named callback threw java.lang.IllegalStateException: boom"), printed);
        assertEquals(1, after.get());
    }

    @Test
    void aFailedConnectIsReportedAndItsThenNeverRuns() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        ServerSocketChannel server = listen();
        var address = server.getLocalAddress();
        server.close(); // nobody listens there now
        AtomicInteger connected = new AtomicInteger();
        try {
            Transfers.connect(loop, address, c -> connected.incrementAndGet());
        } catch (IOException refusedAtOnce) {
            return; // also a clear failure
        }
        runBounded(loop);
        loop.close();
        assertEquals(0, connected.get());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("connectable callback of "), errors.toString());
    }

    // ---------------------------------------------------------------- timers

    @Test
    void timersRunInTheOrderTheyAreDueAndTiesInTheOrderMade() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        List<Integer> order = new ArrayList<>();
        List<Integer> delays = new ArrayList<>();
        for (int i = 0; i < 30; i++) delays.add((i % 10) * 7); // 0..63 ms, each 3 times
        Collections.shuffle(delays, new Random(42));
        List<TimerHandle> timers = new ArrayList<>();
        long[] tooEarly = {0};
        for (int i = 0; i < delays.size(); i++) {
            int id = i;
            timers.add(loop.callLater(Duration.ofMillis(delays.get(i)), () -> {
                order.add(id);
                if (System.nanoTime() - timers.get(id).due < 0) tooEarly[0]++;
            }));
        }
        // expected: by the time each is due (set when it was made), ties in the order made
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < timers.size(); i++) expected.add(i);
        expected.sort((x, y) -> timers.get(x).compareTo(timers.get(y)));
        runBounded(loop);
        loop.close();
        assertEquals(List.of(), errors);
        assertEquals(expected, order);
        assertEquals(0, tooEarly[0], "timers ran before they were due");
    }

    @Test
    void aCancelledTimerNeverRunsAndDoesNotKeepTheLoopRunning() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        List<String> ran = new ArrayList<>();
        TimerHandle hour = loop.callLater(Duration.ofHours(1), () -> ran.add("hour"));
        TimerHandle soon = loop.callLater(Duration.ofMillis(30), () -> ran.add("cancelled"));
        loop.callLater(Duration.ofMillis(10), () -> {
            ran.add("canceller");
            soon.cancel(); // from the loop's thread
        });
        hour.cancel(); // before run, from this thread
        long start = System.nanoTime();
        runBounded(loop);
        loop.close();
        assertEquals(List.of(), errors);
        assertEquals(List.of("canceller"), ran);
        assertTrue(hour.isCancelled() && soon.isCancelled());
        assertTrue(System.nanoTime() - start < LIMIT.toNanos());
    }

    @Test
    void aTimerScheduledFromAnotherThreadWakesTheLoop() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch fired = new CountDownLatch(1);
        TimerHandle hour = loop.callLater(Duration.ofHours(1), () -> fail("the hour timer should have been cancelled"));
        loop.callSoon(running::countDown);
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                if (!running.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) return;
                // the loop now waits in select for up to an hour: the new timer must wake it
                loop.callLater(Duration.ofMillis(20), fired::countDown);
                if (fired.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) hour.cancel(); // from this thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runBounded(loop);
        other.join(LIMIT);
        loop.close();
        assertEquals(0, fired.getCount(), "the timer from another thread did not run");
        assertEquals(List.of(), errors);
    }

    @Test
    void tasksRunInOrderAndTasksAddedByTasksRunInTheNextIteration() throws Exception {
        EventLoop loop = loop(new CopyOnWriteArrayList<>());
        List<String> order = new ArrayList<>();
        loop.callSoon(() -> {
            order.add("a");
            loop.callSoon(() -> order.add("c"));
        });
        loop.callSoon(() -> order.add("b"));
        runBounded(loop);
        loop.close();
        assertEquals(List.of("a", "b", "c"), order);
    }

    @Test
    void stopFromAnotherThreadEndsRunAndASecondRunIsRefused() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        runBounded(loop); // nothing to do: returns at once
        CountDownLatch running = new CountDownLatch(1);
        loop.callLater(Duration.ofHours(1), () -> {}); // keeps it running
        loop.callSoon(() -> {
            running.countDown();
            loop.run(); // refused: it is running already
        });
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                if (running.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) loop.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runBounded(loop);
        stopper.join(LIMIT);
        loop.close();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("IllegalStateException: the loop is already running"), errors.toString());
    }

    // ---------------------------------------------------------------- closing

    @Test
    void aChannelClosedWhileItsEventIsPendingGetsNoCallback() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe a = Pipe.open(), b = Pipe.open();
        a.sink().write(ByteBuffer.wrap(new byte[] {1})); // both readable before the loop runs:
        b.sink().write(ByteBuffer.wrap(new byte[] {2})); // the first select returns both
        List<String> called = new ArrayList<>();
        loop.onReadable(a.source(), () -> {
            called.add("a");
            a.source().close();
            b.source().close(); // its event is pending: its callback must not run
        });
        loop.onReadable(b.source(), () -> {
            called.add("b");
            b.source().close();
            a.source().close();
        });
        runBounded(loop);
        loop.close();
        assertEquals(1, called.size(), "both callbacks ran: " + called);
        assertEquals(List.of(), errors);
        for (Pipe p : List.of(a, b)) p.sink().close();
    }

    @Test
    void aCallbackThatClosesItsChannelStopsItsOtherCallbacks() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept();
        client.write(ByteBuffer.wrap(new byte[] {1})); // readable and writable at once, once the byte is there:
        accepted.configureBlocking(false);
        try (Selector s = Selector.open()) {
            accepted.register(s, SelectionKey.OP_READ);
            assertEquals(1, s.select(LIMIT.toMillis()), "the byte did not arrive");
        }
        List<String> called = new ArrayList<>();
        loop.onReadable(accepted, () -> {
            called.add("readable");
            accepted.close();
        });
        loop.onWritable(accepted, () -> called.add("writable"));
        runBounded(loop);
        loop.close();
        client.close();
        server.close();
        assertEquals(List.of(), errors);
        assertEquals("readable", called.get(0), called.toString());
        assertEquals(1, called.size(), called.toString());
    }

    @Test
    void aChannelClosedFromAnotherThreadEndsTheLoop() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe pipe = Pipe.open();
        CountDownLatch running = new CountDownLatch(1);
        loop.onReadable(pipe.source(), () -> fail("nothing was written"));
        loop.callSoon(running::countDown);
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                if (running.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) loop.callSoon(pipe.source()::close);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runBounded(loop);
        closer.join(LIMIT);
        loop.close();
        pipe.sink().close();
        assertEquals(List.of(), errors);
        assertFalse(pipe.source().isOpen());
    }
}
