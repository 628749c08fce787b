package conclab.threads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuUseTest {
    /** Two processors; the cpu line is their sum. Columns: user nice system idle iowait irq softirq steal guest guest_nice. */
    private static final String STAT = """
            cpu  100 5 50 800 40 3 2 7 11 13
            cpu0 60 5 30 400 20 2 1 4 11 13
            cpu1 40 0 20 400 20 1 1 3 0 0
            intr 12345 1 2
            ctxt 99
            """;

    private static BitSet cpus(int... n) {
        BitSet b = new BitSet();
        for (int i : n) b.set(i);
        return b;
    }

    @Test
    void busyIsEveryColumnButIdleAndIowaitSummedOverTheOnlineProcessorsAsked() {
        // cpu0: total 522 (guest columns left out: user and nice count them already), idle + iowait 420: busy 102
        assertArrayEquals(new long[] {522, 102, 1}, CpuUse.ticks(STAT, cpus(0)));
        assertArrayEquals(new long[] {485, 65, 1}, CpuUse.ticks(STAT, cpus(1)));
        assertArrayEquals(new long[] {1007, 167, 2}, CpuUse.ticks(STAT, cpus(0, 1)));
        // a processor allowed but offline (Cpus_allowed_list may name it; /proc/stat has no line for it) is left out
        assertArrayEquals(new long[] {1007, 167, 2}, CpuUse.ticks(STAT, CpuUse.cpuList("0-3")));
        assertNull(CpuUse.ticks(STAT, cpus(2)), "no line for processor 2");
    }

    @Test
    void busyIsTheShareOfTheTicksTimesTheProcessors() {
        assertEquals(1.5, CpuUse.busy(new long[] {1000, 100, 2}, new long[] {1200, 250, 2}), 1e-9);
        assertEquals(0.25, CpuUse.busy(new long[] {0, 0, 1}, new long[] {100, 25, 1}), 1e-9);
        assertTrue(Double.isNaN(CpuUse.busy(null, new long[] {100, 25, 1})), "no first reading");
        assertTrue(Double.isNaN(CpuUse.busy(new long[] {100, 25, 1}, new long[] {100, 25, 1})), "no time passed");
        assertTrue(Double.isNaN(CpuUse.busy(new long[] {100, 25, 2}, new long[] {200, 25, 1})), "a processor went offline");
    }

    @Test
    void cpuListsAsLinuxWritesThem() {
        assertEquals(cpus(0, 1, 2, 3, 8, 10, 11), CpuUse.cpuList("0-3,8,10-11"));
        assertEquals(cpus(5), CpuUse.cpuList("5"));
    }

    @Test
    void othersIsTheBusyTimeLessThisJvmsOnlyWhereTheProcessorsAreAllOfTheJvms() {
        assertEquals(0.75, new CpuUse(2, 2, 1.5, 0.75, true).others(), 1e-9);
        assertEquals(0, new CpuUse(2, 2, 0.5, 0.75, true).others(), "the two clocks differ a little: never negative");
        assertTrue(Double.isNaN(new CpuUse(2, 0, Double.NaN, 0.75, true).others()), "busy time not readable");
        assertTrue(Double.isNaN(new CpuUse(2, 1, 0.9, 0.75, false).others()), "one processor of several: not known");
        assertThrows(IllegalArgumentException.class, () -> CpuUse.start(-1));
    }

    @Test
    void aBusyThreadOfThisJvmIsCountedInThisJvmAndInTheProcessorsBusyTime() {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux only");
        var start = CpuUse.start();
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 300_000_000L) Thread.onSpinWait();   // this thread's CPU: what is measured
        CpuUse used = start.since();
        // a twentieth of a processor at the least, however busy the machine: the thread ran for part of the 0.3 s
        assertTrue(used.thisJvm() > 0.05, used.toString());
        // this JVM's time is part of the busy time (give or take the 10 ms steps of both counts over 0.3 s)
        assertTrue(used.busy() + 0.15 >= used.thisJvm(), used.toString());
        assertFalse(Double.isNaN(used.others()), used.toString());
        assertEquals(CpuUse.measured(), used.processors(), used.toString());
        assertTrue(used.processors() >= 1, used.toString());
    }
}
