package conclab.c10k;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ProfileTest {
    @Test
    void aSampleGoesToTheCategoryOfTheFrameNearestTheTop() {
        assertEquals("read/write", Profile.category(List.of("sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.IOUtil.read",
                "sun.nio.ch.SocketChannelImpl.read", "conclab.c10k.BlockingServer.serve", "java.lang.VirtualThread.run")));
        assertEquals("poller", Profile.category(List.of("java.util.concurrent.ConcurrentHashMap.put", "sun.nio.ch.Poller.register",
                "sun.nio.ch.Poller.poll", "sun.nio.ch.SocketChannelImpl.park")), "a map put by the poller is the poller's");
        assertEquals("epoll_ctl", Profile.category(List.of("sun.nio.ch.EPoll.ctl", "sun.nio.ch.EPollPoller.implRegister", "sun.nio.ch.Poller.poll")));
        assertEquals("mount/schedule", Profile.category(List.of("jdk.internal.vm.Continuation.yield", "java.lang.VirtualThread.park")));
        assertEquals("server code", Profile.category(List.of("java.lang.Object.hashCode", "conclab.c10k.Protocol.owed",
                "java.lang.VirtualThread.run")), "the bottom frame of every virtual thread is no category");
        assertEquals("EventLoop", Profile.category(List.of("java.util.PriorityQueue.poll", "conclab.io.EventLoop.run")));
        assertEquals(Profile.OTHER, Profile.category(List.of("java.lang.Thread.run")));
        assertEquals(Profile.OTHER, Profile.category(List.of()));
    }

    @Test
    void everyCategoryIsCountedInOrderAndTheSharesAddUp() {
        Map<String, Long> counts = Profile.count(List.of(List.of("sun.nio.ch.EPoll.wait"), List.of("sun.nio.ch.EPoll.wait"),
                List.of("jdk.jfr.internal.X.y"), List.of("x.Y.z")));
        assertEquals(Profile.CATEGORIES.size() + 1, counts.size());
        assertEquals(Profile.OTHER, List.copyOf(counts.keySet()).getLast());
        var p = new Profile("loop", Map.of(), counts);
        assertEquals(4, p.total());
        assertEquals(0.5, p.share("epoll_wait"));
        assertEquals(0.25, p.share("JFR"));
        assertEquals(0.25, p.share(Profile.OTHER));
        assertEquals(1.0, counts.keySet().stream().mapToDouble(p::share).sum(), 1e-9);
        assertTrue(Profile.table(p).contains("epoll_wait") && Profile.table(p).contains("50.0%"), Profile.table(p));
        assertTrue(Double.isNaN(p.cpuUsPerRequest()), "no completed requests: no CPU time per request");
    }

    @Test
    void readsTheCpuTimeSamplesOfARecording(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("r.jfr");
        var sampled = new CountDownLatch(20);
        try (var rs = new RecordingStream();
             var server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             var client = SocketChannel.open(server.getLocalAddress());
             var accepted = server.accept()) {
            rs.enable("jdk.CPUTimeSample").with("throttle", "1ms");
            rs.onEvent("jdk.CPUTimeSample", e -> sampled.countDown());
            rs.startAsync();
            ByteBuffer out = ByteBuffer.allocate(64), in = ByteBuffer.allocate(64);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (sampled.getCount() > 0 && System.nanoTime() < deadline) { // socket work until 20 samples are taken
                client.write(out.clear());
                for (in.clear(); in.hasRemaining(); ) accepted.read(in);
            }
            assertEquals(0, sampled.getCount(), "20 CPU-time samples within 60 s");
            rs.dump(jfr);
        }
        Profile p = Profile.read("test", jfr, Map.of("rps", 1L, "completed", 4L), 2_000_000);
        assertTrue(p.total() >= 20, p.toString());
        assertEquals(500.0, p.cpuUsPerRequest(), 1e-9);
        assertEquals(p.share("read/write") * 500, p.usPerRequest("read/write"), 1e-9);
        assertTrue(p.stackless() >= 0 && p.lost() >= 0, p.toString());
        assertTrue(p.samples().get("read/write") > 0, p.toString());
        assertEquals(1L, p.result().get("rps"));
    }
}
