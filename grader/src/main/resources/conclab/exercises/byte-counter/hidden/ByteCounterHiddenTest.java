import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.Property;
import conclab.grader.probe.ThreadActivity;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Hidden tests of the byte-counter exercise: used for grading only. */
class ByteCounterHiddenTest {
    /**
     * A client that resets its connection (SO_LINGER 0, then close: the server's read throws "Connection reset") is at
     * its end too: serve reports it once, with the bytes it read from it (JFR's socket reads say how many), closes its
     * channel, serves the other client and returns normally.
     */
    @Test
    @Property("reset-connection")
    void resetConnection() throws Exception {
        ByteCounterTest t = new ByteCounterTest();
        long socketsBefore = ByteCounterTest.socketsAndSelectors();
        ThreadActivity activity = ThreadActivity.start();
        try {
            t.start(2);
            SocketChannel resetter = t.connect();
            SocketChannel talker = t.connect();
            ByteCounterTest.send(resetter, 1000);
            resetter.setOption(StandardSocketOptions.SO_LINGER, 0);
            resetter.close();                                  // a reset (RST), not an end of stream (FIN)
            if (!t.running.awaitReport(t.addressOf(resetter), ByteCounterTest.STEP_SECONDS)) {
                throw new AssertionError("A client reset its connection; serve did not report it within "
                        + ByteCounterTest.STEP_SECONDS + " s while another client stayed connected.");
            }
            if (!ByteCounterTest.descriptorsAtMost(socketsBefore, 4)) {   // the server, the selector, talker's two ends
                throw new AssertionError("A client reset its connection and was reported, but while serve still ran, its"
                        + " socket stayed open on the server's side: close its channel when its read throws.");
            }
            ByteCounterTest.send(talker, 500);
            talker.close();
            t.running.awaitEnd("a client sent 1,000 bytes and reset its connection, and another sent 500 bytes and closed");
            activity.stop();
            Integer reports = t.reports.get(t.addressOf(resetter));
            if (reports == null || reports != 1) {
                throw new AssertionError("A client sent 1,000 bytes and reset its connection; serve reported it "
                        + (reports == null ? "never" : reports + " times") + ", not once. A read that throws an IOException"
                        + " (the connection was reset) ends that client's stream: report it and close its channel.");
            }
            long got = t.counted.get(t.addressOf(resetter));
            int port = ((java.net.InetSocketAddress) t.addressOf(resetter)).getPort();
            long read = activity.reads().stream().filter(r -> r.remotePort() == port)
                    .mapToLong(ThreadActivity.Read::bytesRead).sum();
            if (got != read) {
                throw new AssertionError("A client sent 1,000 bytes and reset its connection; serve read " + read
                        + " bytes from it before the reset, but reported " + got + ". Report the bytes read from a client,"
                        + " also when its connection was reset.");
            }
            t.expectCount(talker, 500);
        } finally {
            activity.stop();
            t.closeAll();
        }
        long socketsAfter = ByteCounterTest.socketsAndSelectors();
        if (socketsBefore >= 0 && socketsAfter > socketsBefore) {
            throw new AssertionError("serve returned and the test closed its own channels, but " + (socketsAfter - socketsBefore)
                    + " more socket(s) or selector(s) were open in the JVM than before: serve left a connection open. Close each client's"
                    + " channel at its end, also when its read threw an IOException (the connection was reset).");
        }
    }

    /** What one client sends in {@link #memoryStaysBounded}: far more than a server that counts needs to keep. */
    static final int BIG = 64 << 20;

    /** How much the memory in use may grow while {@link #BIG} bytes go through serve: a few buffers, not the data. */
    static final long GROWTH = 16 << 20;

    /**
     * A client sends 64 MiB and stays connected; the memory in use (the heap after a full collection, and the direct
     * buffers) is measured before and after, while serve still holds the connection. A serve that counts reuses a
     * buffer or a few; one that keeps what it read (a ByteArrayOutputStream per client, a new buffer per read kept
     * in a list) grows by what was sent, less the little still in the sockets' buffers.
     */
    @Test
    @Property("bounded-memory")
    void memoryStaysBounded() throws Exception {
        ByteCounterTest t = new ByteCounterTest();
        try {
            t.start(1);
            SocketChannel client = t.connect();
            long before = memoryInUse();
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 10);
            for (int sent = 0; sent < BIG; sent += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining()) client.write(chunk);
            }
            long after = memoryInUse(before + GROWTH); // serve still runs: the client is connected
            client.close();
            t.running.awaitEnd("a client sent 64 MiB and closed");
            t.expectCount(client, BIG);
            if (after - before > GROWTH) {
                throw new AssertionError("While a client sent 64 MiB, the memory in use (heap after a collection, and direct"
                        + " buffers) grew by " + ((after - before) >> 20) + " MiB, more than " + (GROWTH >> 20) + " MiB: serve"
                        + " keeps what it reads. Count the bytes, and read into one buffer that you clear and reuse.");
            }
        } finally {
            t.closeAll();
        }
        manyFullClientsAtOnce();
        finishedClientsLeaveNothing();
    }

    /** How many clients {@link #manyFullClientsAtOnce} fills at once. */
    static final int FULL_CLIENTS = 16;

    /**
     * {@value #FULL_CLIENTS} clients connect and send a byte each, and the memory in use is measured once serve has
     * read them (a buffer a serve keeps per client is made by then). Then serve's thread is held in the callback (a
     * client that closed is reported, and the callback waits), and meanwhile each of the others writes, without
     * blocking, until its socket takes no more: what waits is the kernel's buffers, the client's and the server's,
     * about 4 MiB a client on Linux's defaults, and nothing is read while they fill, so how much waits does not hang
     * on timing. Let go, serve reads it all, the clients staying connected, and the memory in use may have grown by at
     * most 16 MiB in all. A buffer per client that grows whenever a read fills it grows to megabytes per client here:
     * one client alone stays under the limit, {@value #FULL_CLIENTS} do not. (A step of {@link #memoryStaysBounded}:
     * the grader keeps one result per property.)
     */
    void manyFullClientsAtOnce() throws Exception {
        ByteCounterTest t = new ByteCounterTest();
        CountDownLatch held = new CountDownLatch(1), letGo = new CountDownLatch(1);
        Map<Integer, Long> counted = new ConcurrentHashMap<>();
        AtomicInteger holder = new AtomicInteger(-1);
        t.server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            t.running = new ByteCounterTest.Server(t.server, FULL_CLIENTS + 1, (address, bytes) -> {
                int port = ((InetSocketAddress) address).getPort();
                counted.put(port, bytes);
                if (port == holder.get()) {
                    held.countDown();
                    try {
                        letGo.await(HOLD_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            List<SocketChannel> full = new ArrayList<>();
            for (int i = 0; i < FULL_CLIENTS; i++) {
                SocketChannel c = t.connect();
                ByteCounterTest.send(c, 1);
                full.add(c);
            }
            awaitIdle(t.running);                          // it has accepted them all and read their first bytes
            long before = memoryInUse();
            SocketChannel holding = t.connect();
            holder.set(((InetSocketAddress) holding.getLocalAddress()).getPort());
            holding.close();
            if (!held.await(ByteCounterTest.STEP_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("A client connected and closed while " + FULL_CLIENTS + " others stayed "
                        + "connected, but serve did not report it within " + ByteCounterTest.STEP_SECONDS + " s.");
            }
            long[] sent = new long[FULL_CLIENTS];
            long total = 0;
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 10);
            for (int i = 0; i < FULL_CLIENTS; i++) {
                SocketChannel c = full.get(i);
                c.configureBlocking(false);
                // until the socket's buffers are full (serve is held), or a bound, for a serve that reads elsewhere
                while (sent[i] < MAX_FILL) {
                    chunk.clear();
                    int n = c.write(chunk);
                    if (n == 0) break;
                    sent[i] += n;
                }
                total += sent[i];
            }
            letGo.countDown();
            awaitIdle(t.running);                          // it has read all that waited
            long after = memoryInUse(before + GROWTH);
            for (SocketChannel c : full) c.close();
            t.running.awaitEnd(FULL_CLIENTS + " clients sent " + (total >> 20) + " MiB in all and closed");
            for (int i = 0; i < FULL_CLIENTS; i++) {
                int port = ((InetSocketAddress) t.addressOf(full.get(i))).getPort();
                if (!Long.valueOf(1 + sent[i]).equals(counted.get(port))) {
                    throw new AssertionError("A client sent " + (1 + sent[i]) + " bytes and closed; serve reported "
                            + counted.get(port) + ".");
                }
            }
            if (after - before > GROWTH) {
                throw new AssertionError(FULL_CLIENTS + " clients stayed connected while serve read " + (total >> 20)
                        + " MiB from them (about " + (total / FULL_CLIENTS >> 10) + " KiB each, all there at once), and"
                        + " the memory in use (heap after a collection, and direct buffers) grew by " + ((after - before)
                        >> 20) + " MiB, more than " + (GROWTH >> 20) + " MiB: serve keeps a buffer per client that grows"
                        + " with what it reads. Read into a buffer of a fixed size (one for every client is enough),"
                        + " and never make it bigger.");
            }
        } finally {
            letGo.countDown();
            t.closeAll();
        }
    }

    /**
     * The most {@link #manyFullClientsAtOnce} writes to a client: twice what the kernel holds for it on Linux's
     * defaults. Only a serve that reads on other threads while its own is held takes that much.
     */
    static final long MAX_FILL = 8 << 20;

    /** How long the callback of {@link #manyFullClientsAtOnce} holds serve's thread at most. */
    static final long HOLD_SECONDS = 20;

    /** How many clients {@link #finishedClientsLeaveNothing} serves one after another. */
    static final int FINISHED = 20;
    /** At most this many of them may still be reachable when they have all been served. */
    static final int MAX_KEPT = 3;

    /**
     * While one client stays connected, {@value #FINISHED} others, one after another, connect, send 1,000 bytes and
     * close; then one more, so that serve selects again after the last of them (a selector lets go of a closed
     * channel's key at its next select). What serve kept for a finished client must then be garbage: the address it
     * reported is the one its channel holds ({@code getRemoteAddress()} gives the channel's own object), and the test
     * keeps it only through a weak reference, so it survives a collection only if serve still holds the channel, or
     * the address (a map keyed by them, never emptied). Up to {@value #MAX_KEPT} are allowed for a reference left on
     * serve's stack. A full collection clears every weak reference to what is unreachable, so this needs no timing.
     * (A step of {@link #memoryStaysBounded}.)
     */
    void finishedClientsLeaveNothing() throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Map<Integer, WeakReference<SocketAddress>> reported = new ConcurrentHashMap<>();
        Map<Integer, Long> counted = new ConcurrentHashMap<>();
        Map<Integer, CountDownLatch> done = new ConcurrentHashMap<>();
        List<SocketChannel> clients = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // serve on a thread of its own, with a callback that keeps no strong reference to an address it is given
        Thread serving = Thread.ofPlatform().daemon().name(ByteCounterTest.Server.NAME).start(() -> {
            try {
                ByteCounter.serve(server, FINISHED + 2, (address, bytes) -> {
                    int port = ((InetSocketAddress) address).getPort();
                    counted.put(port, bytes);
                    reported.put(port, new WeakReference<>(address));
                    done.computeIfAbsent(port, p -> new CountDownLatch(1)).countDown();
                });
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            SocketChannel staying = SocketChannel.open(server.getLocalAddress());
            clients.add(staying);
            ByteCounterTest.send(staying, 10);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i <= FINISHED; i++) {          // the last one only makes serve select again
                SocketChannel c = SocketChannel.open(server.getLocalAddress());
                clients.add(c);
                int port = ((InetSocketAddress) c.getLocalAddress()).getPort();
                if (i < FINISHED) ports.add(port);
                ByteCounterTest.send(c, 1000);
                c.close();
                if (!done.computeIfAbsent(port, p -> new CountDownLatch(1)).await(ByteCounterTest.STEP_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("While another client stayed connected, clients connected, sent 1,000 "
                            + "bytes and closed, one after another, but serve did not report number " + (i + 1) + " within "
                            + ByteCounterTest.STEP_SECONDS + " s.");
                }
            }
            memoryInUse();                                 // full collections: weak references to garbage are cleared
            int kept = 0;
            for (int port : ports) {
                if (reported.get(port).get() != null) kept++;
                if (counted.get(port) != 1000) {
                    throw new AssertionError("A client sent 1,000 bytes and closed; serve reported " + counted.get(port) + ".");
                }
            }
            staying.close();
            if (!serving.join(Duration.ofSeconds(ByteCounterTest.LIMIT_SECONDS)) || failure.get() != null) {
                throw new AssertionError("When " + (FINISHED + 2) + " clients had closed, serve had "
                        + (failure.get() == null ? "not returned after " + ByteCounterTest.LIMIT_SECONDS + " s."
                        : "thrown " + failure.get()), failure.get());
            }
            if (kept > MAX_KEPT) {
                throw new AssertionError("While another client stayed connected, " + FINISHED + " clients, one after "
                        + "another, sent 1,000 bytes, closed and were reported; after a garbage collection serve still "
                        + "held " + kept + " of them (their channels, or their addresses): what it keeps grows with every"
                        + " client it serves. Once a client has ended and been reported, keep nothing of it: remove it"
                        + " from any map or list you keep clients in (a key's attachment goes with the key).");
            }
        } finally {
            for (SocketChannel c : clients) c.close();
            server.close();
        }
    }

    /**
     * How long {@link #awaitIdle} waits at most: serve reads the 60 MiB of {@link #manyFullClientsAtOnce} in under a
     * second at a load average of 30 on 2 cores. A serve that polls is never idle, and waits this long.
     */
    static final long IDLE_WITHIN_SECONDS = 5;

    /**
     * Waits, at most {@value #IDLE_WITHIN_SECONDS} s, until serve's thread is idle: its CPU time did not grow over
     * 100 ms, and (Linux) the kernel does not have it runnable. Serving clients whose bytes wait, it is not idle;
     * blocked in select(), it is. Ended at its bound, the wait makes the measure after the reads only kinder (a buffer
     * still to grow is not measured yet); the measure before may then miss buffers made at the clients' first reads, a
     * serve that polls does not do better than that.
     */
    static void awaitIdle(ByteCounterTest.Server run) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_WITHIN_SECONDS);
        long last = mx.getThreadCpuTime(run.thread.threadId());
        while (System.nanoTime() < end) {
            Thread.sleep(100);                             // the pause between two readings of its CPU time
            long now = mx.getThreadCpuTime(run.thread.threadId());
            if (now == last && !ContextSwitches.runnable(run.task)) return;
            last = now;
        }
    }

    /**
     * The heap in use after a full collection (System.gc() is one, with the test JVM's collector) plus the direct
     * buffers in use: the least of up to 10 looks 50 ms apart, each after a collection, stopping once two agree
     * within 1 MiB. The baseline, measured before anything is sent: a baseline too high only makes the test kinder.
     */
    static long memoryInUse() throws InterruptedException {
        long least = Long.MAX_VALUE, last = -1;
        for (int i = 0; i < 10; i++) {
            long now = lookAfterCollection();
            least = Math.min(least, now);
            if (last >= 0 && Math.abs(now - last) < (1 << 20)) break;
            last = now;
            Thread.sleep(50); // gives the cleaners time to free dropped direct buffers; nothing else waits on this
        }
        return least;
    }

    /** How long {@link #memoryInUse(long)} looks at most: far longer than a cleaner takes, even on a busy machine. */
    static final long CLEANED_WITHIN_MS = 6000;

    /**
     * The memory in use, as {@link #memoryInUse()} measures it, looked at again after a collection every 100 ms until
     * it is at most {@code target}, or {@link #CLEANED_WITHIN_MS} have passed: the least seen. A direct buffer that is
     * garbage is freed by the JDK's cleaner thread some time after the collection that found it, and on a busy
     * machine two looks in a row can both come before that thread has run (a correct server that drops a direct
     * buffer per read once failed so, at a load average of 15). So only a look that comes down to the target ends
     * the wait early; what a server really keeps stays in every look.
     */
    static long memoryInUse(long target) throws InterruptedException {
        long least = Long.MAX_VALUE, end = System.nanoTime() + CLEANED_WITHIN_MS * 1_000_000L;
        while (true) {
            least = Math.min(least, lookAfterCollection());
            if (least <= target || System.nanoTime() > end) return least;
            Thread.sleep(100); // gives the cleaner thread time to free dropped direct buffers; nothing else waits on this
        }
    }

    /** The heap in use just after System.gc(), plus the direct buffers not yet freed. */
    private static long lookAfterCollection() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) direct += pool.getMemoryUsed();
        }
        return heap + direct;
    }
}
