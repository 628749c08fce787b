package conclab.threads;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PoolViewTest {
    @Test
    void followsThePoolThroughCoreQueueMaxAndRejection() throws Exception {
        var pool = new ThreadPoolExecutor(1, 2, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        var view = PoolView.of(pool);
        var gate = new Gate();
        assertEquals("threads 0 (core 1, max 2), active 0, queue 0/1, completed 0, rejected 0", view.toString());
        pool.execute(gate::pass);                        // a core thread
        gate.awaitArrived(1, Duration.ofSeconds(10));
        assertEquals("threads 1 (core 1, max 2), active 1, queue 0/1, completed 0, rejected 0", view.toString());
        pool.execute(gate::pass);                        // the queue
        assertEquals(new PoolView.Snapshot(1, 2, 1, 1, 1, 1, 0, 0, "RUNNING"), view.snapshot());
        pool.execute(gate::pass);                        // a second thread
        gate.awaitArrived(2, Duration.ofSeconds(10));
        assertEquals(new PoolView.Snapshot(1, 2, 2, 2, 1, 1, 0, 0, "RUNNING"), view.snapshot());
        assertThrows(RejectedExecutionException.class, () -> pool.execute(gate::pass)); // the pool's own AbortPolicy
        assertEquals(1, view.rejected());
        gate.open();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals("threads 0 (core 1, max 2), active 0, queue 0/1, completed 3, rejected 1, TERMINATED", view.toString());
    }

    @Test
    void theRejectionHandlerThePoolHadStillRuns() {
        var pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy());
        var view = PoolView.of(pool);
        var gate = new Gate();
        try {
            pool.execute(gate::pass);
            gate.awaitArrived(1, Duration.ofSeconds(10));
            Thread[] ranOn = new Thread[1];
            pool.execute(() -> ranOn[0] = Thread.currentThread());   // no thread, no place: runs here
            assertSame(Thread.currentThread(), ranOn[0]);
            assertEquals(1, view.rejected());
        } finally {
            gate.open();
            pool.close();
        }
    }

    @Test
    void drawsSquaresForSmallPoolsAndNumbersForLargeOnes() {
        String small = PoolView.html(new PoolView.Snapshot(2, 4, 3, 2, 1, 2, 5, 1, "RUNNING"));
        assertEquals(4 + 2, small.split("<span").length - 1, "a square per thread up to max, and per queue place");
        assertTrue(small.contains("3 started, 2 busy (core 2, max 4)"), small);
        assertTrue(small.contains("1 of 2 places"), small);
        String cached = PoolView.html(new PoolView.Snapshot(0, Integer.MAX_VALUE, 100, 100, 0, 0, 0, 0, "RUNNING"));
        assertEquals(0, cached.split("<span").length - 1);
        assertTrue(cached.contains("max unlimited") && cached.contains("no places: each task is handed to a thread"), cached);
        var fixed = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
        try {
            assertEquals("threads 0 (core 2, max 2), active 0, queue 0 (unbounded), completed 0, rejected 0", PoolView.of(fixed).toString());
            assertTrue(PoolView.of(fixed).mimeBundle().get("text/html").contains("waiting (unbounded)"));
        } finally {
            fixed.close();
        }
    }
}
