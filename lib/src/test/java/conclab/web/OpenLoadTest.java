package conclab.web;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpenLoadTest {
    @Test
    void sendsWithoutWaitingForAnswers() throws Exception {
        // Every request waits until all 20 have started: a sender that waited for an answer would never
        // send the second one (each request gives up after 10 s, and then counts as not answered).
        var allStarted = new CountDownLatch(20);
        var inside = new AtomicInteger();
        OpenLoad.Result r = OpenLoad.run(100, Duration.ofMillis(200), i -> {
            inside.incrementAndGet();
            allStarted.countDown();
            try {
                if (!allStarted.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("not all sent");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
            }
        }, inside::get);
        assertEquals(20, r.sent());
        assertEquals(20, r.answered(), "all 20 were in flight at once, so each was sent before any answer");
        assertEquals(100, r.perSecond(), 1e-9, "20 requests in 0.2 s");
    }

    @Test
    void measuresTheThreeQuantitiesApart() throws Exception {
        // Each request stays 50 ms inside a counted region; at 100/s, L = 100 × 0.05 = 5.
        var inside = new AtomicInteger();
        OpenLoad.Result r = OpenLoad.run(100, Duration.ofSeconds(1), i -> {
            inside.incrementAndGet();
            try {
                Thread.sleep(50); // the service time being measured, not a synchronisation
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
            }
        }, inside::get);
        assertEquals(100, r.sent());
        assertEquals(100, r.answered());
        assertTrue(r.samples() > 0, "the sampler ran during the last three quarters of a second: " + r);
        assertTrue(r.meanSeconds() >= 0.05, "W is at least the 50 ms each request stays: " + r);
        // L is sampled, W and λ are not: they agree only as well as a busy machine lets them. On a loaded
        // machine a request stays longer than its 50 ms (a late wake-up) and starts late (W, not L, counts
        // that), so the bounds are wide: they catch a wrong formula, not a slow machine.
        assertTrue(r.inFlight() > 2, "each request stays at least 50 ms inside, so L is about 5 or more: " + r);
        assertTrue(r.ratio() > 0.4 && r.ratio() < 1.5, "L / (λ × W) near 1: " + r);
    }

    @Test
    void aFailedRequestIsNotAnswered() throws Exception {
        OpenLoad.Result r = OpenLoad.run(100, Duration.ofMillis(100), i -> {
            if (i % 2 == 0) throw new IllegalStateException("request " + i + " fails");
        }, () -> 0);
        assertEquals(10, r.sent());
        assertEquals(5, r.answered());
        assertTrue(r.samples() == 0 || r.inFlight() == 0, "nothing was ever in flight: " + r);
    }

    @Test
    void refusesALoadWithoutRequests() {
        assertThrows(IllegalArgumentException.class, () -> OpenLoad.run(0, Duration.ofSeconds(1), i -> {}, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> OpenLoad.run(1, Duration.ofMillis(100), i -> {}, () -> 0));
    }
}
