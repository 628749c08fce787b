package conclab.threads;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class GateTest {
    @Test
    void holdsThreadsUntilOpenThenLetsEveryoneThrough() throws Exception {
        var gate = new Gate();
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Future<?> a = pool.submit(gate::pass), b = pool.submit(gate::pass), c = pool.submit(gate::pass);
            gate.awaitArrived(3, Duration.ofSeconds(10));
            assertEquals(3, gate.arrived());
            assertFalse(a.isDone() || b.isDone() || c.isDone(), "nobody passes a closed gate");
            gate.open();
            a.get(10, TimeUnit.SECONDS);
            b.get(10, TimeUnit.SECONDS);
            c.get(10, TimeUnit.SECONDS);
        }
        assertTrue(gate.isOpen());
        gate.pass(); // an open gate does not block
        assertEquals(4, gate.arrived());
    }

    @Test
    void awaitArrivedSaysHowManyCameWhenTooFew() {
        var gate = new Gate();
        var e = assertThrows(IllegalStateException.class, () -> gate.awaitArrived(1, Duration.ofMillis(50)));
        assertTrue(e.getMessage().startsWith("0 of 1 threads arrived"), e.getMessage());
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheStatus() throws Exception {
        var gate = new Gate();
        var seen = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        var statusKept = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                gate.pass();
            } catch (Threads.Interrupted e) {
                seen.set(e);
                statusKept.set(Thread.currentThread().isInterrupted());
            }
        });
        gate.awaitArrived(1, Duration.ofSeconds(10));
        t.interrupt();
        t.join();
        assertInstanceOf(Threads.Interrupted.class, seen.get());
        assertTrue(statusKept.get());
    }
}
