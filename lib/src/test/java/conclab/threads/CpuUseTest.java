package conclab.threads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CpuUseTest {
    private static final String STAT = """
            cpu  100 5 50 800 40 3 2 7 11 13
            cpu0 60 5 30 400 20 2 1 4 0 0
            cpu1 40 0 20 400 20 1 1 3 0 0
            intr 12345 1 2
            ctxt 99
            """;

    @Test
    void busyIsEveryColumnButIdleAndIowaitAndGuestIsNotCountedTwice() {
        // user nice system idle iowait irq softirq steal: total 1007, idle + iowait 840; guest columns left out
        assertArrayEquals(new long[] {1007, 167}, CpuUse.ticks(STAT, -1));
        assertArrayEquals(new long[] {522, 102}, CpuUse.ticks(STAT, 0));
        assertArrayEquals(new long[] {485, 65}, CpuUse.ticks(STAT, 1));
        assertNull(CpuUse.ticks(STAT, 2), "no such processor");
    }

    @Test
    void othersIsTheMachinesBusyTimeLessThisJvmsNeverBelowZeroAndNanWhereUnknown() {
        assertEquals(0.75, new CpuUse(2, 1.5, 0.75).others(), 1e-9);
        assertEquals(0, new CpuUse(2, 0.5, 0.75).others(), "the two clocks differ a little: never negative");
        assertTrue(Double.isNaN(new CpuUse(2, Double.NaN, 0.75).others()));
    }

    @Test
    void aBusyThreadOfThisJvmIsCountedInThisJvmAndInTheMachine() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux only");
        var start = CpuUse.start();
        long until = System.nanoTime() + 300_000_000L, spins = 0;
        while (System.nanoTime() < until) spins++;   // burns this thread's CPU: what is to be measured
        CpuUse used = start.since();
        assertTrue(spins > 0 && used.seconds() >= 0.3, used.toString());
        // a twentieth of a processor at the least, however busy the machine: the thread ran for part of the 0.3 s
        assertTrue(used.thisJvm() > 0.05 && used.busy() > 0.05, used.toString());
        long processors = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+\\s.*")).count();
        assertTrue(used.busy() <= processors + 1e-9, used + " on " + processors + " processors");
    }
}
