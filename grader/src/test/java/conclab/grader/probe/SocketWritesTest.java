package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
             SocketChannel accepted = server.accept();
             SocketWrites writes = SocketWrites.start(SocketWritesTest.class.getClassLoader())) {
            accepted.configureBlocking(false);
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
            List<SocketWrites.Writes> all = writes.stop();
            List<SocketWrites.Writes> byHelper = all.stream().filter(w -> w.threadId() == helper.threadId()).toList();
            assertEquals(1, byHelper.size(), "one thread, one place (none of it a learner's): " + all);
            assertEquals(50, byHelper.getFirst().calls(), "each of the helper's writes: " + all);
            assertTrue(zero[0] > 0, "some writes took nothing");
            assertEquals(zero[0], byHelper.getFirst().empty(), "those are counted too: " + byHelper);
            assertEquals("socket-writes-test helper", byHelper.getFirst().threadName());
            List<SocketWrites.Writes> byTest = all.stream().filter(w -> w.threadId() == Thread.currentThread().threadId()).toList();
            assertEquals(1, byTest.size(), all.toString());
            assertEquals(1, byTest.getFirst().calls(), all.toString());
            assertEquals(3, byTest.getFirst().bytes());
            for (SocketWrites.Writes w : all) assertNull(w.at(), "no frame here is a learner's: " + w);
            assertThrows(IllegalStateException.class, writes::stop, "stop twice");
        }
    }
}
