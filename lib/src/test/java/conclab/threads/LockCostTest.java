package conclab.threads;

import static org.junit.jupiter.api.Assertions.*;

import conclab.threads.LockCost.Guard;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LockCostTest {
    @Test
    void everyGuardCountsEveryIncrementOfEveryThread() {
        for (Guard g : Guard.values()) {
            LockCost.Result r = LockCost.run(g, 4, 20_000);
            assertEquals(g, r.guard());
            assertEquals(4, r.threads());
            assertEquals(80_000, r.increments());
            assertTrue(r.nanos() > 0 && r.nanosPerIncrement() > 0, r.toString());
            assertTrue(r.cpuNanos() > 0 && r.cpuNanosPerIncrement() > 0, r.toString());
        }
    }

    @Test
    void countersAreSafeUnderContention() throws Exception {
        for (Guard g : Guard.values()) {
            LockCost.Counter c = g.counter();
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 4; i++) ts.add(Thread.ofPlatform().start(() -> { for (int n = 0; n < 50_000; n++) c.increment(); }));
            for (Thread t : ts) t.join();
            assertEquals(200_000, c.sum(), g.label());
        }
    }

    @Test
    void theTableHasEveryGuardWithOneAndNThreads() {
        LockCost.Table t = LockCost.table(3, 30_000, java.time.Duration.ZERO);
        assertEquals(3, t.threads());
        for (Guard g : Guard.values()) {
            assertEquals(30_000, t.of(g, false).increments(), "no shortest run: the count asked for");
            assertEquals(90_000, t.of(g, true).increments());
            assertEquals(1, t.of(g, false).threads());
            assertEquals(3, t.of(g, true).threads());
            assertEquals(g, t.of(g, true).guard());
            assertEquals(t.of(g, false).nanosPerIncrement() / t.of(g, true).nanosPerIncrement(), t.speedup(g), 1e-9);
        }
        String text = t.toString();
        assertTrue(text.startsWith("ns/increment"), text);
        for (Guard g : Guard.values()) assertTrue(text.contains(g.label()), text);
        assertEquals(5, text.lines().count(), text);
    }

    @Test
    void aGuardWhoseContendedRunWasShortGetsMoreIncrementsUpToACap() {
        var ms = java.time.Duration.ofMillis(100);
        LockCost.Result tenMs = new LockCost.Result(Guard.LONG_ADDER, 2, 2_000, 10_000_000, -1);
        LockCost.Result long200 = new LockCost.Result(Guard.SYNCHRONIZED, 2, 2_000, 200_000_000, -1);
        assertEquals(10_000, LockCost.perThreadLasting(ms, 1_000, tenMs), "10 ms: ten times as many");
        assertEquals(1_000, LockCost.perThreadLasting(ms, 1_000, long200), "long enough: unchanged");
        assertEquals(1_000, LockCost.perThreadLasting(java.time.Duration.ZERO, 1_000, tenMs));
        var tiny = new LockCost.Result(Guard.ATOMIC_LONG, 2, 2_000_000, 1, -1);
        assertEquals(LockCost.MOST_PER_THREAD, LockCost.perThreadLasting(ms, 1_000_000, tiny), "capped");
        assertEquals(300_000_000, LockCost.perThreadLasting(ms, 300_000_000, tiny), "never fewer than asked");
    }

    @Test
    void mainPrintsTheProcessorsThenTheTable() {
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            LockCost.main(new String[] {"20000"});
        } finally {
            System.setOut(old);
        }
        List<String> lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        int n = Runtime.getRuntime().availableProcessors();
        assertEquals(n + (n == 1 ? " processor" : " processors"), lines.get(0));
        assertTrue(lines.get(1).startsWith("ns/increment"), lines.toString());
        assertTrue(lines.get(1).contains(Math.max(2, n) + " threads"), lines.toString());
        assertEquals(7, lines.size(), lines.toString());
        assertTrue(lines.get(6).matches("process CPU time: [1-9]\\d* ms"), lines.toString());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> LockCost.run(Guard.SYNCHRONIZED, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> LockCost.run(Guard.SYNCHRONIZED, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> LockCost.table(1, 10));
    }

    @Test
    void leavesNoThreadBehind() {
        LockCost.run(Guard.LONG_ADDER, 3, 1_000);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("lock-cost-") && t.isAlive()));
    }
}
