package conclab.threads;

import static org.junit.jupiter.api.Assertions.*;

import conclab.trace.State;
import conclab.trace.Timeline;
import conclab.trace.Trace;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TimeInStatesTest {
    @Test
    void namesEachThreadAndTheStatesItWasSeenIn() throws Exception {
        var trace = Trace.start();
        var seen = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sleeper = Thread.ofPlatform().name("tis-sleeper").start(() -> { while (!seen.get()) Threads.sleep(5); });
        long deadline = System.nanoTime() + 20_000_000_000L; // sleeps until the sampler has seen it sleep
        while (!TimeInStates.millis(trace.snapshot(), "tis-sleeper").containsKey(State.SLEEPING) && System.nanoTime() < deadline)
            Thread.sleep(5);
        seen.set(true);
        sleeper.join();
        Timeline t = trace.stop();
        long sleeping = TimeInStates.millis(t, "tis-sleeper").getOrDefault(State.SLEEPING, -1L);
        assertTrue(sleeping >= 0, "the sampler never saw the sleeper sleep");
        String text = TimeInStates.of(t, name -> name.startsWith("tis-"));
        assertTrue(text.startsWith("tis-sleeper: "), text);
        assertTrue(text.contains("sleeping " + sleeping + " ms"), text);
        assertEquals(1, text.lines().count(), "only the threads asked for: " + text);
    }

    @Test
    void aThreadWithoutSamplesSaysSo() throws Exception {
        var trace = Trace.start(Duration.ZERO); // spans and events only: no states sampled
        var done = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().name("tis-quiet").start(() -> { Trace.event("hello"); done.countDown(); });
        done.await();
        t.join();
        Timeline timeline = trace.stop();
        assertEquals("tis-quiet: no state sampled\n", TimeInStates.of(timeline, "tis-quiet"::equals));
        assertTrue(TimeInStates.millis(timeline, "nobody").isEmpty());
    }

    @Test
    void twoThreadsOfOneNameGetALineEach() throws Exception {
        var trace = Trace.start();
        var seen = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable sleep = () -> { while (!seen.get()) Threads.sleep(5); };
        Thread a = Thread.ofPlatform().name("tis-twin").start(sleep), b = Thread.ofPlatform().name("tis-twin").start(sleep);
        long deadline = System.nanoTime() + 20_000_000_000L; // until the sampler has seen both sleep
        while (trace.snapshot().lanes().stream().filter(l -> l.thread().equals("tis-twin")
                && l.timeInStates().containsKey(State.SLEEPING)).count() < 2 && System.nanoTime() < deadline)
            Thread.sleep(5);
        seen.set(true);
        a.join();
        b.join();
        Timeline t = trace.stop();
        var lanes = t.lanes().stream().filter(l -> l.thread().equals("tis-twin")).toList();
        assertEquals(2, lanes.size(), "one lane per thread");
        String text = TimeInStates.of(t, "tis-twin"::equals);
        assertEquals(2, text.lines().count(), text);
        for (int i = 0; i < 2; i++) {
            long ms = lanes.get(i).timeInStates().get(State.SLEEPING) / 1_000_000;
            assertTrue(text.lines().toList().get(i).contains("sleeping " + ms + " ms"), "each line its own lane's time: " + text);
        }
        long both = lanes.stream().mapToLong(l -> l.timeInStates().get(State.SLEEPING) / 1_000_000).sum();
        assertEquals(both, TimeInStates.millis(t, "tis-twin").get(State.SLEEPING), "millis adds up the lanes of a name");
    }
}
