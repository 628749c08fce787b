package conclab.threads;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SimplePoolTest {
    private static final long LIMIT = 10; // seconds: only against hangs

    @Test
    void tasksRunAndTheirResultsComeThroughFutures() throws Exception {
        try (var pool = new SimplePool(3)) {
            List<Future<Integer>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                fs.add(pool.submit(() -> n * n));
            }
            for (int i = 0; i < 100; i++) assertEquals(i * i, fs.get(i).get(LIMIT, TimeUnit.SECONDS));
        }
    }

    @Test
    void whatATaskThrowsReachesFutureGet() {
        var boom = new IllegalStateException("boom");
        try (var pool = new SimplePool(1)) {
            Future<Object> f = pool.submit(() -> { throw boom; });
            var e = assertThrows(ExecutionException.class, () -> f.get(LIMIT, TimeUnit.SECONDS));
            assertSame(boom, e.getCause());
        }
    }

    @Test
    void aThrowingRunnableGoesToTheHandlerAndTheWorkerLivesOn() throws Exception {
        var boom = new IllegalStateException("boom");
        var seen = new AtomicReference<Throwable>();
        var before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> seen.set(e));
        try (var pool = new SimplePool(1)) {
            pool.execute(() -> { throw boom; });
            assertEquals("simple-pool-1", pool.submit(() -> Thread.currentThread().getName()).get(LIMIT, TimeUnit.SECONDS));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertSame(boom, seen.get());
    }

    @Test
    void shutdownRunsTheQueuedTasksThenRejects() throws Exception {
        var pool = new SimplePool(1);
        var release = new CountDownLatch(1);
        var ran = new AtomicInteger();
        pool.execute(() -> await(release));
        for (int i = 0; i < 10; i++) pool.execute(ran::incrementAndGet);
        pool.shutdown();
        assertTrue(pool.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> pool.execute(ran::incrementAndGet));
        assertFalse(pool.isTerminated());
        release.countDown();
        assertTrue(pool.awaitTermination(LIMIT, TimeUnit.SECONDS));
        assertEquals(10, ran.get());
    }

    @Test
    void shutdownNowInterruptsARunningTaskAndReturnsTheQueuedOnes() throws Exception {
        var pool = new SimplePool(1);
        var started = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        var ran = new AtomicInteger();
        List<Runnable> queued = List.of(ran::incrementAndGet, ran::incrementAndGet, ran::incrementAndGet);
        queued.forEach(pool::execute);
        assertTrue(started.await(LIMIT, TimeUnit.SECONDS));
        assertEquals(queued, pool.shutdownNow());
        assertTrue(interrupted.await(LIMIT, TimeUnit.SECONDS));
        assertTrue(pool.awaitTermination(LIMIT, TimeUnit.SECONDS));
        assertEquals(0, ran.get());
    }

    @Test
    @Timeout(LIMIT)
    void awaitTerminationWithTheLongestTimeoutWaitsUntilTheEnd() throws Exception {
        var pool = new SimplePool(2);
        pool.shutdown();
        assertTrue(pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
        assertTrue(pool.isTerminated());
    }

    @Test
    void closeEndsEveryWorker() throws Exception {
        var workers = ConcurrentHashMap.<Thread>newKeySet();
        var all = new CyclicBarrier(3);
        var pool = new SimplePool(3);
        try (pool) {
            for (int i = 0; i < 3; i++) pool.execute(() -> {
                workers.add(Thread.currentThread());
                await(all); // so that each of the 3 tasks runs on its own worker
            });
        }
        assertTrue(pool.isTerminated());
        assertEquals(Set.of("simple-pool-1", "simple-pool-2", "simple-pool-3"),
                Set.copyOf(workers.stream().map(Thread::getName).toList()));
        for (Thread t : workers) assertFalse(t.isAlive(), t.getName());
    }

    @Test
    void concurrentSubmittersLoseNoTask() throws Exception {
        var ran = new AtomicInteger();
        var go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        try (var pool = new SimplePool(4)) {
            for (int s = 0; s < 8; s++) submitters.add(Thread.ofPlatform().start(() -> {
                await(go);
                for (int i = 0; i < 1000; i++) pool.execute(ran::incrementAndGet);
            }));
            go.countDown();
            Threads.join(submitters);
        }
        assertEquals(8000, ran.get());
    }

    @Test
    void everyTaskAcceptedBeforeAConcurrentShutdownRuns() throws Exception {
        var accepted = new AtomicInteger();
        var ran = new AtomicInteger();
        var someAccepted = new CountDownLatch(4 * 100);
        List<Thread> submitters = new ArrayList<>();
        var pool = new SimplePool(2);
        for (int s = 0; s < 4; s++) submitters.add(Thread.ofPlatform().start(() -> {
            try {
                while (true) {
                    pool.execute(ran::incrementAndGet);
                    accepted.incrementAndGet();
                    someAccepted.countDown();
                }
            } catch (RejectedExecutionException expected) {
                // shut down: stop submitting
            }
        }));
        assertTrue(someAccepted.await(LIMIT, TimeUnit.SECONDS));
        pool.shutdown();
        Threads.join(submitters);
        assertTrue(pool.awaitTermination(LIMIT, TimeUnit.SECONDS));
        assertEquals(accepted.get(), ran.get());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(LIMIT, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(LIMIT, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
