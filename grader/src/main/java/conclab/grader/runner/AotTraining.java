package conclab.grader.runner;

import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The work the JVM that makes the test JVMs' {@code AOTCache} runs (the grader's {@code RunnerAotCache}): tests shaped like
 * the exercises' ones, so that the classes a check's test JVM loads (JUnit's engine and its reflection over a test
 * class, the probes, threads, pools, locks, sockets, management beans) are in the cache. What they find does not
 * matter, only what they load; each takes milliseconds. Never run as a check: no exercise names it.
 */
public class AotTraining {
    @Test
    @Property("threads")
    void threadsPoolsAndLocks() throws Exception {
        AtomicInteger n = new AtomicInteger();
        ReentrantLock lock = new ReentrantLock();
        Map<Integer, Integer> map = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int id = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                lock.lock();
                try {
                    map.merge(id % 2, 1, Integer::sum);
                } finally {
                    lock.unlock();
                }
                n.incrementAndGet();
            }));
        }
        go.countDown();
        for (Thread t : threads) t.join(Duration.ofSeconds(5));
        try (ExecutorService pool = Executors.newFixedThreadPool(2); ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int x = i;
                results.add(pool.submit(() -> x * x));
                results.add(virtual.submit(() -> x + 1));
            }
            for (Future<Integer> f : results) f.get(5, TimeUnit.SECONDS);
        }
        if (n.get() != 4) throw new AssertionError("threads lost");
    }

    @Test
    @Property("probes")
    void probesAndEvidence() throws Exception {
        Object monitor = new Object();
        Waiting w = Waiting.start("a wait", () -> {
            synchronized (monitor) {
                monitor.wait(200);
            }
            return null;
        });
        w.parks(Duration.ofMillis(500));
        w.returns(Duration.ofSeconds(2));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        mx.getThreadInfo(Thread.currentThread().threadId(), 8);
        mx.getCurrentThreadCpuTime();
        Evidence.where(new IllegalStateException("training").getStackTrace());
        Evidence.notDone(new UnsupportedOperationException(Evidence.NOT_DONE));
    }

    @Test
    @Property("sockets")
    void loopbackSockets() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setSoTimeout(2000);
            OutputStream out = accepted.getOutputStream();
            out.write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            InputStream in = client.getInputStream();
            in.readNBytes(5);
        }
    }

    @Test
    @Property("fails")
    void aFailure() {
        throw new AssertionError("a failing test, so that a failure's path is in the cache too");
    }
}
