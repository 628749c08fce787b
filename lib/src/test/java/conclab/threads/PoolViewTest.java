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
        assertEquals("threads 0 (core 1, max 2), active 0, queue 0/1, completed 0, refused 0", view.toString());
        pool.execute(gate::pass);                        // a core thread
        gate.awaitArrived(1, Duration.ofSeconds(10));
        assertEquals("threads 1 (core 1, max 2), active 1, queue 0/1, completed 0, refused 0", view.toString());
        pool.execute(gate::pass);                        // the queue
        assertEquals(new PoolView.Snapshot(1, 2, 1, 1, 1, 1, 0, 0, 0, 0, "RUNNING"), view.snapshot());
        pool.execute(gate::pass);                        // a second thread
        gate.awaitArrived(2, Duration.ofSeconds(10));
        assertEquals(new PoolView.Snapshot(1, 2, 2, 2, 1, 1, 0, 0, 0, 0, "RUNNING"), view.snapshot());
        assertThrows(RejectedExecutionException.class, () -> pool.execute(gate::pass)); // the pool's own AbortPolicy
        assertEquals(1, view.refused());
        assertEquals(0, view.ranByCaller() + view.discarded());
        gate.open();
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals("threads 0 (core 1, max 2), active 0, queue 0/1, completed 3, refused 1, TERMINATED", view.toString());
    }

    @Test
    void callerRunsCountsTheTasksItRanApartFromRefusedOnesAndThoseItDropsAfterShutdown() {
        var pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy());
        var view = PoolView.of(pool);
        var gate = new Gate();
        try {
            pool.execute(gate::pass);
            gate.awaitArrived(1, Duration.ofSeconds(10));
            Thread[] ranOn = new Thread[1];
            pool.execute(() -> ranOn[0] = Thread.currentThread());   // no thread, no place: the handler the pool had runs it here
            assertSame(Thread.currentThread(), ranOn[0]);
            var boom = new IllegalStateException("boom");
            assertSame(boom, assertThrows(IllegalStateException.class, () -> pool.execute(() -> { throw boom; })),
                    "what the task throws reaches the caller; the task was run, not refused");
            assertEquals(2, view.ranByCaller());
            assertEquals(0, view.refused());
            assertEquals(0, view.discarded());
            assertTrue(view.toString().endsWith("refused 0, ran by caller 2"), view.toString());
            pool.shutdown();
            boolean[] ran = new boolean[1];
            pool.execute(() -> ran[0] = true);                         // after shutdown, CallerRunsPolicy drops it, silently
            assertFalse(ran[0]);
            assertEquals(1, view.discarded());
            assertEquals(2, view.ranByCaller());
            assertTrue(view.toString().contains("refused 0, ran by caller 2, discarded 1, SHUTDOWN"), view.toString());
        } finally {
            gate.open();
            pool.close();
        }
    }

    @Test
    void discardPoliciesCountAsDiscardedAndGetTheTaskItself() {
        var pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), new ThreadPoolExecutor.DiscardOldestPolicy());
        var view = PoolView.of(pool);
        var gate = new Gate();
        try {
            pool.execute(gate::pass);
            gate.awaitArrived(1, Duration.ofSeconds(10));
            Runnable older = () -> {}, newer = () -> {};
            pool.execute(older);
            pool.execute(newer);                                       // the queue is full: older is dropped, newer queued
            assertEquals(java.util.List.of(newer), java.util.List.copyOf(pool.getQueue()), "the handler got the task itself");
            assertEquals(1, view.discarded());
            assertEquals(0, view.refused() + view.ranByCaller());
            pool.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
            var view2 = PoolView.of(pool);
            pool.execute(() -> {});
            assertEquals(1, view2.discarded());
            assertEquals("threads 1 (core 1, max 1), active 1, queue 1/1, completed 0, refused 0, discarded 1", view2.toString());
        } finally {
            gate.open();
            pool.close();
        }
    }

    @Test
    void drawsSquaresForSmallPoolsAndNumbersForLargeOnes() {
        String small = PoolView.html(new PoolView.Snapshot(2, 4, 3, 2, 1, 2, 5, 1, 2, 3, "RUNNING"));
        assertEquals(4 + 2, small.split("<span").length - 1, "a square per thread up to max, and per queue place");
        assertTrue(small.contains("3 started, 2 busy (core 2, max 4)"), small);
        assertTrue(small.contains("1 of 2 places"), small);
        assertTrue(small.contains("1 refused, 2 ran by the caller, 3 discarded"), small);
        String cached = PoolView.html(new PoolView.Snapshot(0, Integer.MAX_VALUE, 100, 100, 0, 0, 0, 0, 0, 0, "RUNNING"));
        assertEquals(0, cached.split("<span").length - 1);
        assertTrue(cached.contains("max unlimited") && cached.contains("no places: each task is handed to a thread"), cached);
        var fixed = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
        try {
            assertEquals("threads 0 (core 2, max 2), active 0, queue 0 (unbounded), completed 0, refused 0", PoolView.of(fixed).toString());
            assertTrue(PoolView.of(fixed).mimeBundle().get("text/html").contains("waiting (unbounded)"));
        } finally {
            fixed.close();
        }
    }
}
