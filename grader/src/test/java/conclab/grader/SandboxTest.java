package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog, on small shell programs: each limit kills the whole tree, and nothing is left behind. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class SandboxTest {
    @TempDir
    Path dir;

    private static final Limits LIMITS = new Limits(20, 20, 64, 100, 3, 10_000);

    private Sandbox.Run sh(String script, int wall) throws Exception {
        return Sandbox.run(List.of("/bin/sh", "-c", script), dir, LIMITS, wall);
    }

    @Test
    void aProgramThatEndsKeepsItsExitCodeAndOutput() throws Exception {
        Sandbox.Run run = sh("echo hello; exit 3", 20);
        assertNull(run.killed());
        assertEquals(3, run.exitCode());
        assertEquals("hello\n", run.output());
    }

    @Test
    void anEndlessProgramIsKilledAtTheWallTime() throws Exception {
        Sandbox.Run run = sh("while :; do :; done", 1);
        assertEquals("it ran longer than 1 s", run.killed());
    }

    @Test
    void tooMuchOutputKillsItAndTheHeadIsKept() throws Exception {
        Sandbox.Run run = sh("while :; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done", 20);
        assertNotNull(run.killed());
        assertTrue(run.killed().contains("printed more than"), run.killed());
        assertTrue(run.output().startsWith("aaaa"));
        assertTrue(run.outputBytes() > LIMITS.outputBytes());
    }

    /** Children in the background, whose parent the kill ends first: the process group takes them along. */
    @Test
    void aBombOfProcessesIsKilledWithAllItsChildren() throws Exception {
        Path pids = dir.resolve("pids");
        Sandbox.Run run = sh("for i in 1 2 3 4 5 6 7 8; do sleep 1000 & echo $! >> " + pids + "; done; wait", 20);
        assertNotNull(run.killed());
        assertTrue(run.killed().contains("more than 3 processes"), run.killed());
        // Every sleep started before the run returned: a process with the same pid started after that is
        // another one (pids are reused, soon where pid_max is 32768 and many processes start).
        java.time.Instant returned = java.time.Instant.now();
        for (String pid : Files.readAllLines(pids)) {
            var p = ProcessHandle.of(Long.parseLong(pid.strip()))
                    .filter(h -> h.info().startInstant().map(t -> t.isBefore(returned)).orElse(true));
            // A killed orphan may stay a zombie until init reaps it; alive means not killed at all.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (p.isPresent() && p.get().isAlive() && running(pid.strip()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(p.isEmpty() || !p.get().isAlive() || !running(pid.strip()), "sleep " + pid + " survived");
        }
    }

    /** Whether a process runs (not a zombie): its state in /proc, where there is one. */
    private static boolean running(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void tooManyThreadsKillIt() throws Exception {
        Path src = dir.resolve("Bomb.java");
        Files.writeString(src, """
                public class Bomb {
                    public static void main(String[] a) throws Exception {
                        while (true) Thread.ofPlatform().start(() -> { try { Thread.sleep(100_000); } catch (InterruptedException e) { } });
                    }
                }""");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Sandbox.Run run = Sandbox.run(List.of(java, "-Xss256k", src.toString()), dir, LIMITS, 20);
        assertNotNull(run.killed());
        assertTrue(run.killed().contains("threads alive at once"), run.killed());
    }
}
