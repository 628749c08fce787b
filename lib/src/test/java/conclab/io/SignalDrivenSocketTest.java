package conclab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SignalDrivenSocketTest {
    static boolean linux() {
        return System.getProperty("os.name").equals("Linux");
    }

    @Test
    void theKernelSignalsWhenDataArrivesAndReadsNeverWait() throws Exception {
        assumeTrue(linux(), "signal-driven sockets are built for Linux");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Semaphore signals = new Semaphore(0);
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            try (SignalDrivenSocket s = SignalDrivenSocket.connect(address, signals::release);
                 Socket peer = server.accept()) {
                ByteBuffer into = ByteBuffer.allocate(100_000);
                assertEquals(0, s.read(into), "nothing sent yet: read returns at once with nothing");
                signals.drainPermits();
                peer.getOutputStream().write(new byte[70_000]);
                assertTrue(signals.tryAcquire(30, TimeUnit.SECONDS), "SIGIO came");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (into.position() < 70_000 && System.nanoTime() < deadline) {
                    if (s.read(into) == 0) signals.tryAcquire(100, TimeUnit.MILLISECONDS); // wait for the next signal
                }
                assertEquals(70_000, into.position());
                peer.close();
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int n;
                while ((n = s.read(into)) == 0 && System.nanoTime() < deadline) signals.tryAcquire(100, TimeUnit.MILLISECONDS);
                assertEquals(-1, n, "the end of the stream");
            }
        }
    }

    @Test
    void theFinAloneRaisesASignalThatFindsNoData() throws Exception {
        assumeTrue(linux(), "signal-driven sockets are built for Linux");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Semaphore signals = new Semaphore(0);
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            try (SignalDrivenSocket s = SignalDrivenSocket.connect(address, signals::release);
                 Socket peer = server.accept()) {
                ByteBuffer into = ByteBuffer.allocate(16);
                assertEquals(0, s.read(into), "nothing sent yet");
                signals.drainPermits();
                peer.shutdownOutput(); // a FIN, no byte
                assertTrue(signals.tryAcquire(30, TimeUnit.SECONDS), "SIGIO came for the FIN");
                assertEquals(-1, s.read(into), "the signal found the end of the stream, not data");
            }
        }
    }

    @Test
    void aClosedSocketRefusesToRead() throws Exception {
        assumeTrue(linux(), "signal-driven sockets are built for Linux");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var s = SignalDrivenSocket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), () -> { });
            server.accept().close();
            s.close();
            s.close(); // twice is fine
            assertThrows(IOException.class, () -> s.read(ByteBuffer.allocate(10)));
        }
    }

    @Test
    void refusesWhatItCannotDo() {
        assumeTrue(linux(), "signal-driven sockets are built for Linux");
        var e = assertThrows(IllegalArgumentException.class,
                () -> SignalDrivenSocket.connect(new InetSocketAddress(InetAddress.getByName("::1"), 80), () -> { }));
        assertTrue(e.getMessage().contains("IPv4"), e.getMessage());
    }
}
