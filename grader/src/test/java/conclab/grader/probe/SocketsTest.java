package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The clients' reads of {@link Sockets}: each stops for a reason it names, never waits past the socket's timeout. A
 * server of the test's own sends what each case needs; the steps are ordered by the sockets themselves.
 */
class SocketsTest {
    /** A listener on the loopback interface, and a client connected to it with a read timeout of {@code timeoutMs}. */
    private record Pair(ServerSocket listener, Socket client, Socket server) implements AutoCloseable {
        static Pair open(int timeoutMs) throws IOException {
            ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Socket client = new Socket();
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 5_000);
            client.setSoTimeout(timeoutMs);
            return new Pair(listener, client, listener.accept());
        }

        @Override
        public void close() throws IOException {
            try (listener; client; server) {
                // all three closed
            }
        }
    }

    @Test
    void readAtMostGivesWhatCameWhenTheServerCloses() throws IOException {
        try (Pair p = Pair.open(5_000)) {
            p.server().getOutputStream().write(new byte[] {1, 2, 3});
            p.server().close();
            Sockets.Got got = Sockets.readAtMost(p.client(), 5);
            assertArrayEquals(new byte[] {1, 2, 3}, got.bytes());
            assertEquals("the server closed the connection", got.stopped());
        }
    }

    @Test
    void readAtMostSaysHowLongItWaitedWhenNothingCame() throws IOException {
        try (Pair p = Pair.open(200)) {
            p.server().getOutputStream().write(new byte[] {7});
            Sockets.Got got = Sockets.readAtMost(p.client(), 2);
            assertArrayEquals(new byte[] {7}, got.bytes());
            assertEquals("nothing more came in 0.2 s", got.stopped());
        }
    }

    @Test
    void readAtMostStopsWithoutAReasonWhenItHasAll() throws IOException {
        try (Pair p = Pair.open(5_000)) {
            p.server().getOutputStream().write(Sockets.pattern(100, 1));
            Sockets.Got got = Sockets.readAtMost(p.client(), 100);
            assertArrayEquals(Sockets.pattern(100, 1), got.bytes());
            assertEquals("", got.stopped());
        }
    }

    @Test
    void readToEndIsNullWhenTheStreamDoesNotEndInTime() throws IOException {
        try (Pair p = Pair.open(200)) {
            assertNull(Sockets.readToEnd(p.client()));
        }
    }

    @Test
    void writeUntilStuckReturnsOnceTheReceiverStopsTaking() throws Exception {
        try (Pair p = Pair.open(5_000)) {
            var written = new java.util.concurrent.atomic.AtomicLong();
            // nobody reads p.server(): the buffers on the way fill, and the writer makes no more progress
            Thread writer = Sockets.writeUntilStuck(p.client(), Sockets.pattern(64 * 1024, 2), 1L << 30, written);
            long stuckAt = written.get();
            assertTrue(writer.isAlive(), "the writer is blocked in a write, not done");
            assertTrue(stuckAt > 0 && stuckAt < 1L << 30, "it wrote " + stuckAt + " bytes");
            p.client().close(); // the blocked write fails: the writer ends
            writer.join(5_000);
            assertFalse(writer.isAlive());
        }
    }

    @Test
    void megabytesHaveOneDecimal() {
        assertEquals("16.0 MB", Sockets.mb(16L << 20));
        assertEquals("1.5 MB", Sockets.mb(3L << 19));
    }
}
