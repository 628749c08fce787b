import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.Descriptors;
import conclab.grader.probe.Property;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the read-fully exercise: the learner may read them. The test writes to one end of a
 * loopback connection; Reader.readFully reads the other end, non-blocking, on a thread of its own.
 */
class ReadFullyTest {
    static final Duration LIMIT = Duration.ofSeconds(10);

    ServerSocketChannel server;
    SocketChannel writer, reading;

    @AfterEach
    void closeAll() throws IOException {
        for (var c : new java.nio.channels.Channel[] {writer, reading, server}) if (c != null) c.close();
    }

    /** A loopback connection: {@link #writer} for the test, {@link #reading} (non-blocking) for readFully. */
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        writer = SocketChannel.open(server.getLocalAddress());
        reading = server.accept();
        reading.configureBlocking(false);
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + i / 256);
        return b;
    }

    @Test
    @Property("reads-everything")
    void readsEverything() throws Exception {
        connect();
        byte[] data = pattern(101_000);
        Read read = new Read(reading, 100_000);
        for (int piece = 0; piece < 10; piece++) {
            // the last piece carries 1,000 bytes more than the buffer holds, in the same write
            writer.write(ByteBuffer.wrap(data, piece * 10_000, piece < 9 ? 10_000 : 11_000));
            read.waitUntilIdle(); // the reader has taken this piece and waits for the next
        }
        byte[] got = read.result("100,000 bytes were sent in 10 pieces");
        for (int i = 0; i < 100_000; i++) {
            if (got[i] != data[i]) throw new AssertionError("Byte " + i + " of 100,000 is wrong: the bytes are not those sent, in order.");
        }
        // The 1,000 bytes beyond the buffer must still be in the channel, in order.
        ByteBuffer rest = ByteBuffer.allocate(1_001);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (rest.position() < 1_000 && System.nanoTime() < deadline) {
            if (reading.read(rest) < 0) break;
            Thread.sleep(1); // the test's own bounded poll of what is left
        }
        if (rest.position() != 1_000) {
            throw new AssertionError("The peer sent 1,000 bytes more than the 100,000 the buffer holds; afterwards "
                    + rest.position() + " of them could be read from the channel, not 1,000: readFully must read no more "
                    + "than fits in dst (read into dst itself, not into a buffer of your own).");
        }
        for (int i = 0; i < 1_000; i++) {
            if (rest.get(i) != data[100_000 + i]) throw new AssertionError("Byte " + i + " of the 1,000 left in the "
                    + "channel is wrong: readFully took bytes beyond the buffer's end.");
        }
    }

    @Test
    @Property("reads-everything")
    void aFullBufferNeedsNothing() throws Exception {
        connect();
        Read read = new Read(reading, 0); // no room left: nothing to read, nothing to wait for
        if (!read.thread.join(LIMIT)) {
            throw new AssertionError("readFully(channel, a buffer with no room left) had not returned " + LIMIT.toSeconds() + " s later, on a"
                    + " connection with no data: it waits for data it has no room for. Look whether dst is full before"
                    + " you read or wait (while (dst.hasRemaining()) ...).");
        }
        if (read.failure.get() != null) {
            throw new AssertionError("readFully(channel, a buffer with no room left) threw " + read.failure.get(), read.failure.get());
        }
    }

    /** Whether a stack is in a selector's select, as a thread waiting for readiness is. */
    static boolean inSelect(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().endsWith("SelectorImpl") && (f.getMethodName().contains("elect"))) return true;
        }
        return false;
    }

    @Test
    @Property("own-selector")
    void twoAtOnce() throws Exception {
        connect();
        SocketChannel writer2 = SocketChannel.open(server.getLocalAddress());
        SocketChannel reading2 = server.accept();
        try {
            reading2.configureBlocking(false);
            Read a = new Read(reading, 10);
            a.firstByte(writer); // A has been through its loop once and waits for 9 more bytes
            Read b = new Read(reading2, 10);
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (b.thread.isAlive() && b.thread.getState() != Thread.State.BLOCKED && !inSelect(b.thread.getStackTrace())
                    && System.nanoTime() < deadline) {
                Thread.sleep(1); // sampling the reader from outside, to order the test's writes: no synchronisation relies on it
            }
            writer2.write(ByteBuffer.wrap(pattern(10)));
            boolean ended = b.thread.join(LIMIT);
            StackTraceElement[] where = b.thread.getStackTrace();
            Thread.State state = b.thread.getState();
            writer.write(ByteBuffer.wrap(pattern(9))); // A's data: both can end now
            if (!ended) {
                throw new AssertionError("While readFully A waited for its data on one connection, readFully B, on another"
                        + " connection and thread, was sent its 10 bytes, and had not returned " + LIMIT.toSeconds() + " s later (" + state
                        + (where.length > 0 ? ", in " + where[0].getClassName() + "." + where[0].getMethodName() : "")
                        + "). The two calls share something that makes one wait for the other, such as one selector"
                        + " (a select() holds it): open a selector in each call, and close it before returning.");
            }
            b.result("B's 10 bytes were sent while A waited for its own");
            a.result("A's 9 other bytes were sent after B had returned");
        } finally {
            writer2.close();
            reading2.close();
        }
    }

    @Test
    @Property("end-of-stream")
    void endOfStream() throws Exception {
        connect();
        Read read = new Read(reading, 100);
        writer.write(ByteBuffer.wrap(pattern(10)));
        writer.close();
        read.end();
        Throwable t = read.failure.get();
        if (!(t instanceof EOFException)) {
            throw new AssertionError("The peer sent 10 of the 100 bytes and closed; readFully "
                    + (t == null ? "returned normally" : "threw " + t) + " instead of throwing an EOFException.");
        }
    }

    @Test
    @Property("no-spinning")
    void noSpinning() throws Exception {
        connect();
        Read read = new Read(reading, 10);
        read.firstByte(writer); // 1 of the 10 bytes first: the reader has been through its loop once
        // A thread that spins on purpose runs beside the reader as a yardstick (see spins): on a busy machine, where a
        // spinning thread gets less than half the wall time, comparing with it is the stricter rule.
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] spinnerCpu = new long[1];
        Thread spinner = Thread.ofPlatform().daemon().name("spinner").start(() -> {
            long start = mx.getCurrentThreadCpuTime(), end = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < end) Thread.onSpinWait();
            spinnerCpu[0] = mx.getCurrentThreadCpuTime() - start;
        });
        long readerStart = mx.getThreadCpuTime(read.thread.threadId()), wallStart = System.nanoTime();
        java.nio.file.Path task = ContextSwitches.task(read.thread.getName()); // the thread is running: it has its name
        long wakeupsBefore = ContextSwitches.of(task);
        spinner.join();
        long readerCpu = mx.getThreadCpuTime(read.thread.threadId()) - readerStart, wall = System.nanoTime() - wallStart;
        long wakeupsAfter = ContextSwitches.of(task);
        writer.write(ByteBuffer.wrap(pattern(9)));
        read.result("1 byte, then 500 ms later 9 more, were sent");
        // Polling first: a loop on select(1) also uses some CPU, and its message is the one that helps.
        if (wakeupsBefore >= 0 && wakeupsAfter >= 0 && wakeupsAfter - wakeupsBefore > MAX_IDLE_WAKEUPS) {
            throw new AssertionError("While no more data came for 500 ms (after the first byte), the reading thread woke up "
                    + (wakeupsAfter - wakeupsBefore) + " times (voluntary context switches; waiting in select() it wakes up"
                    + " only when data comes): it polls, with a short timeout (select(1), sleep(1)) or none. Wait in select()"
                    + " without a timeout.");
        }
        if (spins(readerCpu, spinnerCpu[0], wall)) {
            throw new AssertionError(String.format("While no more data came for %d ms (after the first byte), the reading thread used %d ms of CPU "
                    + "(a thread that spins on purpose beside it got %d ms; waiting in select(), it uses next to none): it keeps "
                    + "calling read() (a busy loop). Wait for the channel to be readable with a Selector.",
                    wall / 1_000_000, readerCpu / 1_000_000, spinnerCpu[0] / 1_000_000));
        }
    }

    /**
     * Whether a thread that should wait in select() spins: it used more than a twentieth of the wall time measured (at
     * least 500 ms), or more than 2 ms and more than a tenth of what a thread spinning beside it got (the stricter rule
     * when the spinner got less than half the wall time, on a busy machine). A thread parked in select() uses next to
     * nothing, however busy the machine; the 2 ms floor keeps it from failing when the spinner got almost nothing.
     */
    static boolean spins(long cpu, long spinnerCpu, long wall) {
        return cpu > wall / 20 || (cpu > 2_000_000 && cpu > spinnerCpu / 10);
    }

    @Test
    @Property("closes-selector")
    void closesSelector() throws Exception {
        connect();
        Read read = new Read(reading, 10);
        writer.write(ByteBuffer.wrap(pattern(10)));
        read.result("10 bytes were sent");
        if (reading.isRegistered()) {
            throw new AssertionError("After readFully returned, the channel was still registered with a selector: "
                    + "close the selector before returning (try-with-resources), also when an exception is thrown.");
        }
        // a selector cancelled and emptied but not closed keeps its epoll instance: count them over 5 more calls
        long before = Descriptors.count(Descriptors.EPOLL);
        for (int i = 0; i < 5; i++) {
            Read more = new Read(reading, 10);
            writer.write(ByteBuffer.wrap(pattern(10)));
            more.result("10 more bytes were sent");
        }
        long after = Descriptors.count(Descriptors.EPOLL);
        if (before >= 0 && after >= 0 && after - before >= 3) {
            throw new AssertionError("After 5 more calls of readFully, each of which returned, this JVM had " + (after - before)
                    + " more epoll instances open (counted in /proc/self/fd): a selector that is not closed keeps its own,"
                    + " whether or not its key was cancelled. Close the selector before returning (try-with-resources).");
        }
        writer.close();
        Read eof = new Read(reading, 10);
        eof.end();
        if (reading.isRegistered()) {
            throw new AssertionError("After readFully threw " + eof.failure.get() + " (the stream had ended), the channel "
                    + "was still registered with a selector: close the selector also when an exception is thrown.");
        }
        closeAll();
        connect(); // a new connection, whose reader is interrupted while it waits for the rest
        Read interrupted = new Read(reading, 10);
        interrupted.firstByte(writer);
        interrupted.thread.interrupt();
        // One that does not stop on an interrupt fails stops-on-interrupt; here only a thread that has ended is judged.
        if (interrupted.thread.join(Duration.ofSeconds(5)) && reading.isRegistered()) {
            throw new AssertionError("After readFully was interrupted and threw " + interrupted.failure.get() + ", the "
                    + "channel was still registered with a selector: close the selector also when you throw the "
                    + "InterruptedIOException (try-with-resources closes it on every way out).");
        }
    }

    @Test
    @Property("stops-on-interrupt")
    void stopsOnInterrupt() throws Exception {
        connect();
        Read read = new Read(reading, 10);
        read.firstByte(writer);
        read.waitUntilIdle();
        if (!read.thread.isAlive()) {
            throw new AssertionError("readFully returned after 1 of the 10 bytes: " + (read.failure.get() == null
                    ? "it must wait until dst is full." : "it threw " + read.failure.get()));
        }
        read.thread.interrupt();
        if (!read.thread.join(Duration.ofSeconds(1))) {
            throw new AssertionError("The reading thread was interrupted while it waited for data, and readFully had not "
                    + "returned 1 s later. An interrupt makes every select() return at once, and a non-blocking read() "
                    + "ignores it: after select(), check Thread.interrupted() and throw an InterruptedIOException.");
        }
        Throwable t = read.failure.get();
        if (!(t instanceof InterruptedIOException)) {
            throw new AssertionError("The reading thread was interrupted while it waited for data; readFully "
                    + (t == null ? "returned normally" : "threw " + t) + " instead of throwing an InterruptedIOException.");
        }
        if (!read.interruptedAtEnd) {
            throw new AssertionError("The reading thread was interrupted while it waited for data; readFully threw an "
                    + "InterruptedIOException, but when the test caught it the thread's interrupt flag was no longer set: "
                    + "Thread.interrupted() clears it. Set it again (Thread.currentThread().interrupt()) before throwing, so "
                    + "that the caller still sees the interrupt.");
        }
    }

    /** At most this many wake-ups of the reading thread in the 500 ms of no-spinning (waiting in select: none). */
    static final int MAX_IDLE_WAKEUPS = 10;

    static int readers;

    /** readFully(channel, a buffer of n bytes) on a thread of its own. */
    static final class Read {
        final Thread thread;
        final ByteBuffer buffer;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Whether the thread's interrupt flag was set when readFully returned or threw. */
        volatile boolean interruptedAtEnd;

        Read(SocketChannel channel, int n) {
            buffer = ByteBuffer.allocate(n);
            String name = "readFully-" + (++readers);
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                try {
                    Reader.readFully(channel, buffer);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    interruptedAtEnd = Thread.currentThread().isInterrupted();
                }
            });
        }

        /** Sends 1 byte and waits (bounded) until the reader has taken it and is idle again. */
        void firstByte(SocketChannel writer) throws IOException, InterruptedException {
            writer.write(ByteBuffer.wrap(pattern(1)));
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (thread.isAlive() && buffer.position() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(1); // a racy look at progress, only to pace the writer
            }
            if (buffer.position() < 1) throw new AssertionError("1 byte was sent; readFully had not read it after " + LIMIT.toSeconds() + " s.");
            waitUntilIdle();
        }

        /** Waits (bounded) until the reader is blocked, done or has read nothing new for 20 ms. */
        void waitUntilIdle() throws InterruptedException {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            int last = -1, same = 0;
            while (thread.isAlive() && same < 20 && System.nanoTime() < deadline) {
                int position = buffer.position(); // a racy look at progress, only to pace the writer
                same = position == last ? same + 1 : 0;
                last = position;
                Thread.sleep(1); // sampling the reader's progress from outside: no synchronisation relies on it
            }
        }

        void end() throws InterruptedException {
            if (!thread.join(LIMIT)) {
                throw new AssertionError("readFully had not returned after " + LIMIT.toSeconds() + " s.");
            }
        }

        byte[] result(String when) throws InterruptedException {
            if (!thread.join(LIMIT)) {
                throw new AssertionError("When " + when + ", readFully had not returned after " + LIMIT.toSeconds()
                        + " s: it did not see the data arrive.");
            }
            Throwable t = failure.get();
            if (t != null) throw new AssertionError("When " + when + ", readFully threw " + t, t);
            if (buffer.hasRemaining()) {
                throw new AssertionError("When " + when + ", readFully returned with " + buffer.remaining()
                        + " bytes of the buffer still empty.");
            }
            return buffer.array();
        }
    }
}
