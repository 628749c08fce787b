import conclab.grader.probe.Property;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Hidden tests of the coro-echo exercise: run when grading only. */
class CoroEchoHiddenTest {
    static final int WAIT_MS = CoroEchoTest.WAIT_MS;

    /** Everything {@code s} receives until the end of the stream, or null if it waited WAIT_MS for a byte. */
    static byte[] readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
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
     * Writes {@code total} bytes, {@code data} over and over, to {@code c} on a thread of its own, then ends the stream;
     * returns when it has, or when its writing has made no progress for a second (the writer goes on in the
     * background, if it can). The thread's count of bytes written is {@code written}.
     */
    static Thread writeUntilStuck(Socket c, byte[] data, long total, AtomicLong written) throws InterruptedException {
        Thread writer = Thread.ofPlatform().daemon().name("writer").start(() -> {
            try {
                OutputStream out = c.getOutputStream();
                for (long at = 0; at < total; ) {
                    int n = (int) Math.min(8192, total - at);
                    out.write(data, (int) (at % data.length), n);
                    at += n;
                    written.set(at);
                }
                c.shutdownOutput();
            } catch (IOException e) {
                // the server closed the connection, or the test did: what was written is counted
            }
        });
        long last = -1;
        while (writer.isAlive() && written.get() != last) { // no progress for a second: stuck
            last = written.get();
            writer.join(1000);
        }
        return writer;
    }

    /**
     * The client sends 16 MB (far more than the socket buffers on the way hold) and starts reading only when it has
     * sent all, or when its writing has made no progress for a second: a server that writes each piece back whole
     * before it reads more gets there; one that drops what a partial write did not take loses bytes.
     */
    @Test
    @Property("partial-writes")
    void sixteenMegabytesToALateReader() throws Exception {
        byte[] big = CoroEchoTest.pattern(16 << 20, 7);
        try (CoroEchoTest.Server server = new CoroEchoTest.Server(); Socket c = server.connect(8 * 1024, 0)) {
            AtomicLong written = new AtomicLong();
            Thread writer = writeUntilStuck(c, big, big.length, written);
            byte[] back = readToEnd(c);
            writer.join(WAIT_MS);
            String reported = server.messages();
            if (back == null) {
                throw new AssertionError("A client sent 16 MB and read the echo late: after " + written.get() + " bytes sent,"
                        + " the echo stopped coming, and the connection was not closed (waited " + WAIT_MS / 1000 + " s)."
                        + reported);
            }
            if (!Arrays.equals(big, back)) {
                int i = Arrays.mismatch(big, back);
                throw new AssertionError("A client sent 16 MB and read the echo late (so the server's writes were partial):"
                        + " it got " + back.length + " bytes back, differing from what it sent from byte " + i
                        + " on. A write of a non-blocking channel may take only part of the buffer: the rest must be written"
                        + " when the channel can take it (Io.writeAll), before more is read." + reported);
            }
        }
    }

    /** A client that never reads: small buffers, so that its kernel holds little on its behalf. */
    static Socket silentClient(java.net.SocketAddress server) throws IOException {
        Socket c = new Socket();
        c.setReceiveBufferSize(8 * 1024);
        c.setSendBufferSize(16 * 1024);
        c.connect(server, WAIT_MS);
        c.setSoTimeout(WAIT_MS);
        return c;
    }

    /**
     * How many bytes a client that never reads can send to a server that reads only what it has written back: what
     * the kernel's socket buffers hold on the way (the server's send buffer grows by itself, to some MB on Linux),
     * measured with a server of the test's own, a thread with blocking calls and a 16 KB buffer.
     */
    static long kernelHolds(long total) throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket()) {
            listener.setReceiveBufferSize(CoroEchoTest.SERVER_RECEIVE_BUFFER); // as the learner's server has
            listener.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 1);
            Thread echo = Thread.ofPlatform().daemon().name("bounded echo").start(() -> {
                try (Socket s = listener.accept()) {
                    byte[] buffer = new byte[16 * 1024];
                    for (int n; (n = s.getInputStream().read(buffer)) >= 0; ) s.getOutputStream().write(buffer, 0, n);
                } catch (IOException e) {
                    // the client went away
                }
            });
            try (Socket c = silentClient(listener.getLocalSocketAddress())) {
                AtomicLong written = new AtomicLong();
                Thread writer = writeUntilStuck(c, CoroEchoTest.pattern(64 * 1024, 11), total, written);
                c.close();
                writer.join(WAIT_MS);
                echo.join(WAIT_MS);
                return written.get();
            }
        }
    }

    /**
     * A client that never reads writes up to 32 MB: a server that reads only when it has written back what it read
     * before soon stops reading, and the client's writing stops with it; one that keeps what it cannot write in memory
     * takes it all. The limit is what the kernel holds (measured with a bounded server of the test's own) plus 4 MB.
     */
    @Test
    @Property("backpressure")
    void aClientThatNeverReads() throws Exception {
        long total = 32L << 20, kernel = kernelHolds(total), limit = kernel + (4L << 20);
        if (limit >= total) return; // this machine's socket buffers hold it all: no server could be caught here
        try (CoroEchoTest.Server server = new CoroEchoTest.Server(); Socket c = silentClient(server.channel.getLocalAddress())) {
            AtomicLong written = new AtomicLong();
            Thread writer = writeUntilStuck(c, CoroEchoTest.pattern(64 * 1024, 11), total, written);
            long took = written.get();
            c.close(); // the writer, if it still waits, gets an exception
            writer.join(WAIT_MS);
            if (took > limit) {
                throw new AssertionError("A client that reads none of its echo sent " + mb(took) + ", and the server took it"
                        + " all" + (took >= total ? "" : " (more than " + mb(limit) + ", where a server that reads only what"
                        + " it has written back takes " + mb(kernel) + ", the kernel's buffers)") + ": it keeps in memory"
                        + " what it cannot write back. Read more only when what was read before has been written back (the"
                        + " client then waits: backpressure)." + server.messages());
            }
        }
    }

    static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }

    /** The sockets this JVM has open, counted in /proc/self/fd. */
    static int openSockets() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) n++;
                } catch (IOException e) {
                    // closed meanwhile (the directory stream's own descriptor, say)
                }
            }
        }
        return n;
    }

    @Test
    @Property("disconnect")
    void clientsThatLeaveMidMessage() throws Exception {
        int leavers = 10;
        try (CoroEchoTest.Server server = new CoroEchoTest.Server()) {
            int before = openSockets(); // the listening channel and the JVM's own: no connection yet
            byte[] message = CoroEchoTest.pattern(2000, 9);
            java.util.List<Socket> left = new java.util.ArrayList<>(); // closed by the test, whatever happens
            try (Socket stayer = server.connect()) {
                stayer.getOutputStream().write(message, 0, 1000);
                CoroEchoTest.same(Arrays.copyOf(message, 1000),
                        CoroEchoTest.readExactly(server, stayer, 1000, "the first half of a message"), "the first half");
                for (int i = 0; i < leavers; i++) {
                    Socket leaver = server.connect();
                    left.add(leaver);
                    leaver.getOutputStream().write(CoroEchoTest.pattern(1000, 20 + i)); // half of a 2000-byte message
                    CoroEchoTest.readExactly(server, leaver, 1000, "the echo of a leaving client's first half");
                    if (i % 2 == 1) leaver.setSoLinger(true, 0); // every other one resets the connection instead
                    leaver.close();
                }
                stayer.getOutputStream().write(message, 1000, 1000);
                stayer.shutdownOutput();
                CoroEchoTest.same(Arrays.copyOfRange(message, 1000, 2000), CoroEchoTest.readExactly(server, stayer, 1000,
                        "the second half of a message, sent after " + leavers + " other clients left mid-message"), "the second half");
                CoroEchoTest.expectEnd(server, stayer, "the client ended its stream");
            } finally {
                for (Socket s : left) s.close();
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            int open;
            while ((open = openSockets() - before) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            if (open > 0) {
                int tasks = server.ask("count the unfinished tasks", () -> server.scheduler.unfinished().size());
                throw new AssertionError(leavers + " clients left in the middle of a message (" + leavers / 2 + " closed their"
                        + " connection, " + leavers / 2 + " reset it), and another ended normally; " + WAIT_MS / 1000
                        + " s later, " + open + " of these " + (leavers + 1) + " connections were still open on the server"
                        + " (sockets counted in /proc/self/fd), and " + tasks + " task(s) were unfinished. Close a connection"
                        + " however its task ends: at the end of the stream, and when a read or write throws because the"
                        + " client reset it (try-with-resources, or finally)." + server.messages());
            }
        }
    }
}
