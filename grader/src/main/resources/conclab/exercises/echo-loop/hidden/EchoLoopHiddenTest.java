import conclab.grader.probe.Property;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Hidden tests of the echo-loop exercise: run when grading only. */
class EchoLoopHiddenTest {
    static final int WAIT_MS = EchoLoopTest.WAIT_MS;

    /** Everything {@code s} receives until the end of the stream, or null if it waited WAIT_MS for a byte. */
    static byte[] readToEnd(Socket s) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        byte[] piece = new byte[64 * 1024];
        InputStream in = s.getInputStream();
        try {
            for (int n; (n = in.read(piece)) >= 0; ) out.write(piece, 0, n);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return out.toByteArray();
    }

    /**
     * The client sends 16 MB (far more than the socket buffers on the way hold) and starts reading only when it
     * has sent all, or when its writing has made no progress for a second: a server that stops reading while it
     * cannot write gets there; one that reads on and drops what a partial write did not take never blocks the
     * writer, and loses bytes.
     */
    @Test
    @Property("partial-writes")
    void sixteenMegabytesToALateReader() throws Exception {
        byte[] big = EchoLoopTest.pattern(16 << 20, 7);
        try (EchoLoopTest.Server server = new EchoLoopTest.Server(); Socket c = server.connect(8 * 1024)) {
            ReentrantLock lock = new ReentrantLock();
            Condition progress = lock.newCondition();
            long[] written = {0};
            boolean[] done = {false};
            Thread writer = Thread.ofPlatform().daemon().name("writer").start(() -> {
                try {
                    OutputStream out = c.getOutputStream();
                    for (int at = 0; at < big.length; at += 8192) {
                        out.write(big, at, 8192);
                        lock.lock();
                        try { written[0] = at + 8192; progress.signalAll(); } finally { lock.unlock(); }
                    }
                    c.shutdownOutput();
                } catch (IOException e) {
                    // the server closed the connection: the reader sees what came back
                } finally {
                    lock.lock();
                    try { done[0] = true; progress.signalAll(); } finally { lock.unlock(); }
                }
            });
            lock.lock();
            try { // wait until the writer is done, or stuck for a second
                while (!done[0]) {
                    long before = written[0];
                    if (!progress.await(1, TimeUnit.SECONDS) && written[0] == before) break;
                }
            } finally {
                lock.unlock();
            }
            byte[] back = readToEnd(c);
            writer.join(WAIT_MS);
            server.report();
            if (back == null) {
                throw new AssertionError("A client sent 16 MB and read the echo late: the echo stopped coming, and the"
                        + " connection was not closed (waited " + WAIT_MS / 1000 + " s).");
            }
            if (!Arrays.equals(big, back)) {
                int i = Arrays.mismatch(big, back);
                throw new AssertionError("A client sent 16 MB and read the echo late (so the server's writes were partial):"
                        + " it got " + back.length + " bytes back, differing from what it sent from byte " + i
                        + " on. When write() takes only part of the buffer, the rest must be kept and written later.");
            }
        }
    }

    @Test
    @Property("disconnect")
    void aClientThatLeavesMidMessage() throws Exception {
        try (EchoLoopTest.Server server = new EchoLoopTest.Server()) {
            Socket leaver = server.connect(0);
            leaver.getOutputStream().write(EchoLoopTest.pattern(1000, 8)); // half of a 2000-byte message
            leaver.close();                                    // and gone
            byte[] message = EchoLoopTest.pattern(2000, 9);
            try (Socket c = server.connect(0)) {
                c.getOutputStream().write(message);
                c.shutdownOutput();
                byte[] back = readToEnd(c);
                server.report();
                if (back == null || !Arrays.equals(message, back)) {
                    throw new AssertionError("After a client left in the middle of a message, another client sent 2000 bytes"
                            + " and got " + (back == null ? "no end of stream in " + WAIT_MS / 1000 + " s" : back.length
                            + " bytes back" + (back.length == message.length ? " that differ" : "")) + ".");
                }
            }
            server.loop.callSoon(server.channel::close); // no more clients: now the loop should end by itself
            if (!server.thread.join(Duration.ofMillis(WAIT_MS))) {
                throw new AssertionError("Every client has gone, but the event loop still watches a connection after "
                        + WAIT_MS / 1000 + " s: close a connection when read returns -1 (the client left), once all is"
                        + " sent back.");
            }
        }
    }
}
