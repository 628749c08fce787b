package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sessions whose engine dies: the kernel's JVM must not notice more than a dead session. */
class EngineDeathTest {
    @Test
    void systemExitEndsTheEngineNotTheCaller() throws Exception {
        Session s = Session.start(Options.from(Map.of()), SessionTest.LISTENER, () -> true);
        try {
            Session.Result r = s.eval("System.exit(3);", 1, 1, 1, () -> false);
            assertNull(r.value());
            assertTrue(s.engine().awaitExit(Duration.ofSeconds(10)));
            assertFalse(s.isAlive());
            assertEquals(3, s.engine().exitCode());
        } finally {
            s.close();
        }
    }

    @Test
    void aKilledEngineEndsARunningEval() throws Exception {
        Session s = Session.start(Options.from(Map.of()), SessionTest.LISTENER, () -> true);
        try {
            var killer = Thread.ofPlatform().start(() -> {
                try {
                    SessionTest.await(e -> e.equals("2 out stuck\n"));
                } catch (InterruptedException e) {
                    return;
                }
                s.kill("killed by the test");
            });
            Session.Result r = s.eval("System.out.println(\"stuck\"); Object lock = new Object(); synchronized (lock) { lock.wait(); }",
                    2, 1, 1, () -> false);
            killer.join();
            assertNull(r.value());
            assertFalse(s.isAlive());
        } finally {
            s.close();
        }
    }

    @Test
    void theJvmsOwnReportOfWhyItEndedIsKept() throws Exception {
        // HotSpot prints "Terminating due to java.lang.OutOfMemoryError" on the process's stdout, not stderr.
        Session s = Session.start(Options.from(Map.of("CONCLAB_JVM_OPTS", Options.DEFAULT_JVM_OPTS + " -Xmx64m"
                + " -XX:+ExitOnOutOfMemoryError")), SessionTest.LISTENER, () -> true);
        try {
            s.eval("var hog = new java.util.ArrayList<long[]>(); while (true) hog.add(new long[1 << 20]);", 3, 1, 1, () -> false);
            assertTrue(s.engine().awaitExit(Duration.ofSeconds(30)));
            s.engine().awaitDrained(Duration.ofSeconds(5));
            assertTrue(s.engine().describeErrors().contains("OutOfMemoryError"), s.engine().describeErrors());
        } finally {
            s.close();
        }
    }

    @Test
    void anEngineThatCannotStartSaysWhy() {
        var e = assertThrows(java.io.IOException.class,
                () -> Session.start(Options.from(Map.of("CONCLAB_JVM_OPTS", "-Xmx2gg")), SessionTest.LISTENER, () -> true));
        assertTrue(e.getMessage().contains("Invalid maximum heap size"), e.getMessage());
    }
}
