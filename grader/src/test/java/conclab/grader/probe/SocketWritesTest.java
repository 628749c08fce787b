package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every socket write made while recording is in the record, with its thread: non-blocking ones that take nothing too. */
class SocketWritesTest {
    @Test
    void everyWriteIsRecordedWithItsThread() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            accepted.configureBlocking(false);
            SocketWrites writes = SocketWrites.start(SocketWritesTest.class.getClassLoader());
            int[] zero = {0};
            Thread helper = Thread.ofPlatform().name("socket-writes-test helper").start(() -> {
                ByteBuffer b = ByteBuffer.allocate(1 << 20);
                try {
                    // the client reads nothing: once the socket's buffers are full, each write takes nothing
                    for (int i = 0; i < 50; i++) if (accepted.write(b.clear()) == 0) zero[0]++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            helper.join();
            client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));   // on this thread: a blocking write of 3 bytes
            List<SocketWrites.Write> all = writes.stop();
            List<SocketWrites.Write> byHelper = all.stream().filter(w -> w.threadId() == helper.threadId()).toList();
            assertEquals(50, byHelper.size(), "each of the helper's writes: " + all);
            assertTrue(zero[0] > 0, "some writes took nothing");
            assertEquals(zero[0], byHelper.stream().filter(w -> w.bytes() == 0).count(), "those are recorded too: " + byHelper);
            assertEquals("socket-writes-test helper", byHelper.getFirst().threadName());
            List<SocketWrites.Write> byTest = all.stream().filter(w -> w.threadId() == Thread.currentThread().threadId()).toList();
            assertEquals(1, byTest.size(), all.toString());
            assertEquals(3, byTest.getFirst().bytes());
            for (SocketWrites.Write w : all) assertNull(w.at(), "no frame here is a learner's: " + w);
            writes.close(); // after stop: nothing to do
        }
    }
}
