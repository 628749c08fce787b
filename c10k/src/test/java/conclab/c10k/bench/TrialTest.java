package conclab.c10k.bench;

import static org.junit.jupiter.api.Assertions.*;

import conclab.threads.CpuUse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The driver's trial against stand-ins that honour the servers' and the generator's contracts ({@link FakeServe},
 * {@link FakeLoad}), and against stand-ins that break them: every row is filled or says why, every phase is
 * bounded, and no child is left.
 */
class TrialTest {
    static final String CP = System.getProperty("java.class.path");
    static final Launch FAKES = new Launch(CP, CP, FakeServe.class.getName(), FakeServe.class.getName(), FakeLoad.class.getName());

    /** Short phases: a 2 s load after 1 s of warm-up, a 1 s timeout; bounds generous enough for a loaded machine. */
    static Trial.Settings settings(boolean wrk) {
        return new Trial.Settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(60), true, wrk);
    }

    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void otherWorkIsTheMachinesBusyTimeLessTheDriversTheServersAndTheGenerators() {
        // 2 s: the machine busy 1.5 processors, the driver 0.1, the server 1 s of CPU (0.5), the generator 0.5 s (0.25)
        assertEquals(0.65, Trial.otherWork(new CpuUse(2, 2, 1.5, 0.1, true), 1_000_000L, 500_000L), 1e-9);
        assertEquals(0.0, Trial.otherWork(new CpuUse(2, 2, 0.8, 0.1, true), 1_000_000L, 500_000L), "never below 0");
        assertNull(Trial.otherWork(new CpuUse(2, 2, Double.NaN, 0.1, true), 1_000_000L, 500_000L), "no /proc/stat");
        assertNull(Trial.otherWork(new CpuUse(2, 2, 1.5, 0.1, true), null, 500_000L), "the server's CPU time unknown");
    }

    /** Whether /proc/stat can be read (Linux). */
    static final boolean LINUX = java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/stat"));

    @Test
    void aProcessThatSpinsBesideTheTrialIsOtherWork() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LINUX && new java.io.File("/bin/sh").canExecute(), "Linux only");
        Process spinner = new ProcessBuilder("/bin/sh", "-c", "while :; do :; done").start();   // other work: one busy process
        try {
            Run ours = Trial.run(FAKES, settings(false), "loop", 50).getFirst();
            // the scheduler gives the spinner a fair share of the processors beside the server and the generator:
            // on 1 or 16 processors, with the machine otherwise idle or busy, that is well above a fifth of one
            assertTrue(ours.otherCpu() != null && ours.otherCpu() >= 0.2, ours.toString());
        } finally {
            spinner.destroyForcibly();
            assertTrue(spinner.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the spinner ended");
        }
    }

    @Test
    void aServerUnderOurGeneratorAndWrkFillsBothRows() {
        boolean wrk = Wrk.installed();
        List<Run> runs = Trial.run(FAKES, settings(wrk), "loop", 200);
        assertEquals(wrk ? 2 : 1, runs.size(), runs.toString());
        Run ours = runs.getFirst();
        assertEquals("ours", ours.client());
        assertNull(ours.note(), ours.toString());
        assertEquals(200, ours.held());
        assertEquals(200, ours.accepted(), "the server's descriptors grew by one per connection");
        assertTrue(ours.connectMs() != null && ours.connectMs() >= 0, ours.toString());
        assertEquals(0, ours.errors());
        assertEquals(0, ours.timeouts());
        assertEquals(200, ours.answeredConnections());
        assertTrue(ours.completed() > 0 && ours.rps() > 0 && ours.p50us() > 0 && ours.p99us() >= ours.p50us(), ours.toString());
        assertTrue(ours.threads() > 0 && ours.cpuUsPerRequest() > 0, ours.toString());
        assertNotNull(ours.heapPerConnBytes(), ours.toString()); // measured, whatever their size
        assertNotNull(ours.nativePerConnBytes(), ours.toString());
        if (LINUX) assertNotNull(ours.otherCpu(), ours.toString());   // else (macOS) not measured
        if (wrk) {
            Run w = runs.get(1);
            assertEquals("wrk", w.client());
            assertNull(w.note(), w.toString());
            assertEquals(0, w.errors(), w.toString());
            assertTrue(w.completed() > 0 && w.rps() > 0 && w.p50us() > 0 && w.cpuUsPerRequest() > 0, w.toString());
            assertNull(w.held());
            assertNull(w.accepted());
            assertNull(w.heapPerConnBytes());
        }
    }

    @Test
    void theNextClientWaitsForAServerAtRestAndSaysWhenItWasNot() throws Exception {
        Process rest = new ProcessBuilder("sleep", "30").start();
        try {
            long pid = rest.pid();
            Long base = Probe.descriptors(pid);
            assertNotNull(base);
            assertNull(Trial.awaitSettled(pid, base, "a client", Duration.ofSeconds(30)), "one thread, its descriptors as before");
            String note = Trial.awaitSettled(pid, base - Trial.DESCRIPTOR_SLACK - 100, "a client", Duration.ofSeconds(1));
            assertNotNull(note, "100 descriptors more than at rest: the last client's connections are still open");
            assertTrue(note.startsWith("the server had not settled 1 s after a client ended (1 threads, "), note);
        } finally {
            rest.destroyForcibly().waitFor();
        }
        long t0 = System.nanoTime();
        String gone = Trial.awaitSettled(rest.pid(), 10L, "a client", Duration.ofSeconds(30));
        assertTrue(gone.endsWith("it has exited"), gone);
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "a server that exited is not waited for");
    }

    @Test
    void aPoolOf200AnswersTwoHundredConnectionsAndTheOthersTimeOut() {
        Run ours = Trial.run(FAKES, settings(false), "pool", 300).getFirst();
        assertEquals(300, ours.held(), ours.toString());
        assertEquals(200, ours.answeredConnections(), ours.toString());
        assertEquals(100, ours.timeouts(), ours.toString());
        assertTrue(ours.threads() >= 200, ours.toString());
    }

    @Test
    void aServerThatNeverPrintsItsPortCostsTheStartBoundAndSaysSo() {
        var s = new Trial.Settings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofSeconds(60), true, true);
        List<Run> runs = Trial.run(FAKES, s, "mute", 100);
        assertEquals(List.of("ours", "wrk"), runs.stream().map(Run::client).toList());
        for (Run r : runs) {
            assertTrue(r.note().startsWith("the server printed no 'listening on' line within 3 s"), r.note());
            assertNull(r.rps());
        }
    }

    @Test
    void aServerThatExitsSaysWhy() {
        Run r = Trial.run(FAKES, settings(false), "crash", 100).getFirst();
        assertTrue(r.note().contains("exited with code 3") && r.note().contains("crash: as asked"), r.note());
    }

    @Test
    void aGeneratorThatNeverHoldsItsConnectionsIsBoundedAndTheServerStillEnds() {
        var launch = new Launch(CP, CP, FakeServe.class.getName(), FakeServe.class.getName(), MuteLoad.class.getName());
        var s = new Trial.Settings(Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(2), true, false);
        Run r = Trial.run(launch, s, "loop", 100).getFirst();
        assertTrue(r.note().startsWith("the generator printed no 'held' line within 4 s"), r.note());
        assertTrue(r.note().contains("mute: connecting forever"), r.note());
    }
}
