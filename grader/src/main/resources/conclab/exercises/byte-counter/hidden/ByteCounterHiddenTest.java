import conclab.grader.probe.Property;
import conclab.grader.probe.ThreadActivity;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
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
