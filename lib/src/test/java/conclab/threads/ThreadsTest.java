package conclab.threads;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadsTest {
    @Test
    void sleepWaitsAtLeastTheTimeGiven() {
        long start = System.nanoTime();
        Threads.sleep(30);
        Threads.sleep(Duration.ofMillis(30));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(60));
    }

    @Test
    void anInterruptedSleepThrowsUncheckedAndKeepsTheInterruptStatus() throws Exception {
        var sleeping = new CountDownLatch(1);
        var thrown = new AtomicReference<Throwable>();
        var statusAfter = new AtomicReference<Boolean>();
        Thread t = Thread.ofPlatform().start(() -> {
            sleeping.countDown();
            try {
                Threads.sleep(Duration.ofMinutes(5));
            } catch (Threads.Interrupted e) {
                thrown.set(e);
                statusAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTrue(sleeping.await(10, TimeUnit.SECONDS));
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(t.isAlive());
        assertInstanceOf(InterruptedException.class, thrown.get().getCause());
        assertTrue(statusAfter.get());
    }

    @Test
    void joinWaitsForEveryThread() {
        var done = new CountDownLatch(3);
        List<Thread> ts = List.of(
                Thread.ofPlatform().start(done::countDown),
                Thread.ofVirtual().start(done::countDown),
                Thread.ofPlatform().start(done::countDown));
        Threads.join(ts);
        assertEquals(0, done.getCount());
        ts.forEach(t -> assertFalse(t.isAlive()));
    }

    @Test
    void anInterruptedJoinThrowsUnchecked() throws Exception {
        var never = new CountDownLatch(1);
        Thread blocker = Thread.ofPlatform().daemon().start(() -> {
            try {
                never.await();
            } catch (InterruptedException ignored) {
            }
        });
        Thread.currentThread().interrupt();
        assertThrows(Threads.Interrupted.class, () -> Threads.join(blocker));
        assertTrue(Thread.interrupted()); // status restored; clear it for the other tests
        never.countDown();
        blocker.join();
    }
}
