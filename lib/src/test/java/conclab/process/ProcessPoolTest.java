package conclab.process;

import static conclab.process.Children.LIMIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessPoolTest {
    /** A task of the tests, not of the library: a child JVM cannot load it. */
    public static final class NotInTheLibrary implements ChildTask {
        @Override
        public String run(String input) {
            return input;
        }
    }

    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void tasksRunInTheChildren() throws Exception {
        List<Long> pids;
        try (var pool = ProcessPool.start(2)) {
            pids = pool.pids();
            assertEquals(2, pids.size());
            assertFalse(pids.contains(ProcessHandle.current().pid()));
            for (String pid : pool.map(Tasks.Pid.class, List.of("", "", "", ""))) assertTrue(pids.contains(Long.valueOf(pid)), pid);
            assertEquals(List.of("6765", "75025", "832040"), pool.map(Tasks.Fib.class, List.of("20", "25", " 30\n")));
            assertEquals(pids, pool.pids());
        }
        pids.forEach(Children::assertEnded);
    }

    @Test
    void aLargeInputGoesToTheChildWhole() throws Exception {
        String text = "line\\one\r\n".repeat(100_000) + "ünïcödé";
        try (var pool = ProcessPool.start(1)) {
            assertEquals(Integer.toString(text.length()), get(pool.submit(Tasks.Length.class, text)));
            assertEquals("0", get(pool.submit(Tasks.Length.class, "")));
        }
    }

    @Test
    void aChildDownloadsAPage() throws Exception {
        try (var shop = conclab.web.WebServer.start(java.time.Duration.ZERO); var pool = ProcessPool.start(1)) {
            String page = conclab.web.Web.get(shop.url(3));
            assertEquals(Integer.toString(page.length()), get(pool.submit(Tasks.Get.class, shop.url(3))));
            assertEquals(2, shop.served());
        }
    }

    @Test
    void whatATaskPrintsAppearsHereMarkedWithItsChild() throws Exception {
        try (var output = new Children.Output(); var pool = ProcessPool.start(1)) {
            long pid = pool.pids().getFirst();
            assertEquals("3", get(pool.submit(Tasks.Print.class, "first\nback\\slash, \\n stays\r\nünïcödé")));
            String text = output.text();
            for (String line : List.of("first", "back\\slash, \\n stays", "ünïcödé", "printed 3 lines"))
                assertTrue(text.contains("[child " + pid + "] " + line + System.lineSeparator()), text);
        }
    }

    @Test
    void whatATaskThrowsFailsItsFutureAndTheChildLivesOn() throws Exception {
        try (var pool = ProcessPool.start(1)) {
            List<Long> pids = pool.pids();
            var e = assertThrows(ExecutionException.class, () -> get(pool.submit(Tasks.Fib.class, "x")));
            var failure = assertInstanceOf(ChildException.class, e.getCause());
            assertEquals(pids.getFirst(), failure.pid());
            assertTrue(failure.getMessage().contains("Tasks$Fib(\"x\") failed in child " + failure.pid()), failure.getMessage());
            assertTrue(failure.getMessage().contains("java.lang.NumberFormatException"), failure.getMessage());
            assertEquals(pids, pool.pids());
            assertEquals(pids.getFirst().toString(), get(pool.submit(Tasks.Pid.class, "")));
        }
    }

    @Test
    void aChildThatExitsFailsItsTaskAndANewChildTakesItsPlace() throws Exception {
        try (var output = new Children.Output(); var pool = ProcessPool.start(1)) {
            long first = pool.pids().getFirst();
            var e = assertThrows(ExecutionException.class, () -> get(pool.submit(Tasks.Exit.class, "3")));
            var failure = assertInstanceOf(ChildException.class, e.getCause());
            assertEquals("child " + first + " exited with code 3 while running Tasks$Exit(\"3\")", failure.getMessage());
            assertTrue(output.text().contains("[child " + first + "] exits with code 3"), output.text());
            Children.assertEnded(first);
            long second = Long.parseLong(get(pool.submit(Tasks.Pid.class, "")));
            assertNotEquals(first, second);
            assertEquals(List.of(second), pool.pids());
        }
    }

    @Test
    void closeLetsTheTasksFinishThenEndsTheChildren() throws Exception {
        var pool = ProcessPool.start(2);
        List<Long> pids = pool.pids();
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) futures.add(pool.submit(Tasks.Sleep.class, "50"));
        pool.close();
        for (Future<String> f : futures) assertEquals("slept 50 ms", f.resultNow());
        pids.forEach(Children::assertEnded);
        assertEquals(List.of(), pool.pids());
        assertThrows(RejectedExecutionException.class, () -> pool.submit(Tasks.Pid.class, ""));
    }

    @Test
    void cancellingARunningTaskKillsItsChild() throws Exception {
        try (var output = new Children.Output(); var pool = ProcessPool.start(1)) {
            long first = pool.pids().getFirst();
            Future<String> f = pool.submit(Tasks.Sleep.class, "600000");
            output.await("[child " + first + "] sleeps 600000 ms"); // the child runs it
            assertTrue(f.cancel(true));
            Children.assertEnded(first);
            long second = Long.parseLong(get(pool.submit(Tasks.Pid.class, ""))); // after the replacement
            assertNotEquals(first, second);
        }
    }

    @Test
    void terminateKillsTheChildrenAndCancelsTheQueuedTasks() throws Exception {
        try (var output = new Children.Output()) {
            var pool = ProcessPool.start(1);
            long pid = pool.pids().getFirst();
            Future<String> running = pool.submit(Tasks.Sleep.class, "600000");
            output.await("[child " + pid + "] sleeps 600000 ms");
            Future<String> queued = pool.submit(Tasks.Sleep.class, "1");
            pool.terminate();
            var e = assertThrows(ExecutionException.class, () -> get(running));
            assertInstanceOf(ChildException.class, e.getCause());
            assertTrue(queued.isCancelled());
            Children.assertEnded(pid);
            assertEquals(List.of(), pool.pids());
        }
    }

    @Test
    void classesThatAChildCannotLoadAreRefused() {
        try (var pool = ProcessPool.start(1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> pool.submit(NotInTheLibrary.class, "x"));
            assertTrue(e.getMessage().contains("not a class of the course library"), e.getMessage());
        }
    }

    @Test
    void aChildEndsWhenItsStdinEndsEvenInTheMiddleOfATask() throws Exception {
        Process p = Jvm.start(ChildMain.class);
        var replies = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
        p.getOutputStream().write("run conclab.process.Tasks$Sleep 600000\n".getBytes(UTF_8));
        p.getOutputStream().flush();
        assertEquals("out sleeps 600000 ms", replies.readLine()); // the task runs
        p.getOutputStream().close(); // as when the parent dies
        assertTrue(p.waitFor(LIMIT, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    private static String get(Future<String> f) throws Exception {
        return f.get(LIMIT, TimeUnit.SECONDS);
    }
}
