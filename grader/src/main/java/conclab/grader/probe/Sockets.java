package conclab.grader.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients that the checks of the servers (echo-loop, coro-echo, keep-alive) play: what they send, how they read
 * with a bound, how a client that never reads is made, and how much the kernel's socket buffers hold on the way.
 *
 * <p>Every client here has a read timeout of {@link #WAIT_MS} (set by the test when it connects), so no read waits for
 * ever; a read that times out is reported, not retried. Stateless; any thread.
 */
public final class Sockets {
    private Sockets() {}

    /** How long a client waits for a byte, or to connect, before it reports that nothing came. */
    public static final int WAIT_MS = 5_000;

    /** {@code size} bytes, the same for the same seed: a message whose echo is compared byte by byte. */
    public static byte[] pattern(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** What a client read: the bytes, and why it stopped before it had all it wanted ("" if it had them all). */
    public record Got(byte[] bytes, String stopped) {}

    /** Up to {@code n} bytes from {@code s}: fewer if the stream ends, the connection is reset, or nothing comes in time. */
    public static Got readAtMost(Socket s, int n) {
        byte[] got = new byte[n];
        int have = 0;
        String stopped = "";
        try {
            InputStream in = s.getInputStream();
            while (have < n) {
                int r = in.read(got, have, n - have);
                if (r < 0) {
                    stopped = "the server closed the connection";
                    break;
                }
                have += r;
            }
        } catch (SocketTimeoutException e) {
            stopped = "nothing more came in " + seconds(s);
        } catch (IOException e) {
            stopped = "the connection was reset (" + e.getMessage() + "): the server closed it with bytes it had not read";
        }
        return new Got(Arrays.copyOf(got, have), stopped);
    }

    /** Everything {@code s} receives until the end of the stream, or null if it waited its read timeout for a byte. */
    public static byte[] readToEnd(Socket s) throws IOException {
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
    public static Thread writeUntilStuck(Socket c, byte[] data, long total, AtomicLong written) throws InterruptedException {
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

    /** A client that never reads: small buffers, so that its kernel holds little on its behalf. */
    public static Socket silentClient(SocketAddress server) throws IOException {
        Socket c = new Socket();
        try {
            c.setReceiveBufferSize(8 * 1024);
            c.setSendBufferSize(16 * 1024);
            c.connect(server, WAIT_MS);
            c.setSoTimeout(WAIT_MS);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /**
     * How many bytes a {@link #silentClient} can send, up to {@code total}, to a server that reads only what it has
     * written back: what the kernel's socket buffers hold on the way (the server's send buffer grows by itself, to
     * some MB on Linux), measured with a server of the test's own, a thread with blocking calls and a 16 KB buffer,
     * whose receive buffer is {@code serverReceiveBuffer}, as the learner's server's is.
     */
    public static long kernelHolds(long total, int serverReceiveBuffer) throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReceiveBufferSize(serverReceiveBuffer);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
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
                Thread writer = writeUntilStuck(c, pattern(64 * 1024, 11), total, written);
                c.close();
                writer.join(WAIT_MS);
                echo.join(WAIT_MS);
                return written.get();
            }
        }
    }

    /** {@code bytes} in MB (MiB), one decimal: "16.0 MB". */
    public static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }

    /** The read timeout of {@code s} in words ("5 s", "0.2 s"). */
    private static String seconds(Socket s) {
        try {
            return Liveness.seconds(java.time.Duration.ofMillis(s.getSoTimeout()));
        } catch (IOException e) {
            return Liveness.seconds(java.time.Duration.ofMillis(WAIT_MS));
        }
    }
}
