import conclab.grader.probe.Property;
import java.io.EOFException;
import java.io.IOException;
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
        byte[] data = pattern(100_000);
        Read read = new Read(reading, 100_000);
        for (int piece = 0; piece < 10; piece++) {
            writer.write(ByteBuffer.wrap(data, piece * 10_000, 10_000));
            read.waitUntilIdle(); // the reader has taken this piece and waits for the next
        }
        byte[] got = read.result("100,000 bytes were sent in 10 pieces");
        for (int i = 0; i < data.length; i++) {
            if (got[i] != data[i]) throw new AssertionError("Byte " + i + " of 100,000 is wrong: the bytes are not those sent, in order.");
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
        writer.write(ByteBuffer.wrap(pattern(1)));
        new Read(reading, 1).result("1 byte was there to read (a warm-up: classes loaded before the measurement)");
        Read read = new Read(reading, 10);
        // A thread that spins on purpose runs beside the reader: on a busy machine both get the same share of
        // the CPU, so the reader's CPU time is compared with the spinner's, not with the clock.
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] spinnerCpu = new long[1];
        Thread spinner = Thread.ofPlatform().daemon().name("spinner").start(() -> {
            long start = mx.getCurrentThreadCpuTime(), end = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < end) Thread.onSpinWait();
            spinnerCpu[0] = mx.getCurrentThreadCpuTime() - start;
        });
        long readerStart = mx.getThreadCpuTime(read.thread.threadId());
        spinner.join();
        long readerCpu = mx.getThreadCpuTime(read.thread.threadId()) - readerStart;
        writer.write(ByteBuffer.wrap(pattern(10)));
        read.result("10 bytes were sent after 500 ms");
        if (readerCpu > spinnerCpu[0] / 4) {
            throw new AssertionError(String.format("While no data came for 500 ms, the reading thread used %d ms of CPU, "
                    + "as much as a thread that spins on purpose (%d ms): it keeps calling read() (a busy loop). "
                    + "Wait for the channel to be readable with a Selector.", readerCpu / 1_000_000, spinnerCpu[0] / 1_000_000));
        }
    }

    /** readFully(channel, a buffer of n bytes) on a thread of its own. */
    static final class Read {
        final Thread thread;
        final ByteBuffer buffer;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Read(SocketChannel channel, int n) {
            buffer = ByteBuffer.allocate(n);
            thread = Thread.ofPlatform().daemon().name("readFully").start(() -> {
                try {
                    Reader.readFully(channel, buffer);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
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
