package conclab.coro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import conclab.coro.Scheduler.Join;
import conclab.coro.Scheduler.Pause;
import conclab.coro.Scheduler.Sleep;
import conclab.coro.Scheduler.Spawn;
import conclab.coro.Scheduler.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The scheduler: tasks on one thread, their requests, failures, cancellation, and many tasks on real sockets. */
class SchedulerTest {
    static final Duration LIMIT = Duration.ofSeconds(60);

    /** Runs {@code scheduler} on a thread of its own, bounded; returns what run() threw, or null. */
    static Throwable runBounded(Scheduler scheduler) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("scheduler").start(() -> {
            try {
                scheduler.run();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        if (!t.join(LIMIT)) {
            scheduler.stop();
            t.join(Duration.ofSeconds(5));
            fail("the scheduler was still running after " + LIMIT.toSeconds() + " s");
        }
        return thrown.get();
    }

    static Scheduler quiet(List<String> reported) throws IOException {
        Scheduler s = new Scheduler();
        s.onError((task, e) -> reported.add(task.name() + ": " + e));
        return s;
    }

    @Test
    void tasksTakeTurnsOnOneThreadSwitchingOnlyWhereTheyYield() throws Exception {
        List<String> log = new ArrayList<>(); // unsynchronised: one thread runs every task
        Set<Thread> threads = new HashSet<>();
        try (Scheduler s = new Scheduler()) {
            for (String name : List.of("A", "B")) {
                s.spawn(name, y -> {
                    for (int i = 1; i <= 3; i++) {
                        threads.add(Thread.currentThread());
                        log.add(name + i);
                        y.yield(new Pause());
                    }
                    return null;
                });
            }
            assertEquals(null, runBounded(s));
        }
        assertEquals(List.of("A1", "B1", "A2", "B2", "A3", "B3"), log);
        assertEquals(1, threads.size());
    }

    @Test
    void aSleepingTaskLetsTheOthersRunAndWakesInTheOrderDue() throws Exception {
        List<String> log = new ArrayList<>();
        try (Scheduler s = new Scheduler()) {
            s.spawn("slow", y -> {
                y.yield(new Sleep(Duration.ofMillis(300)));
                log.add("slow");
                return null;
            });
            s.spawn("fast", y -> {
                Scheduler.sleep(Duration.ofMillis(10)); // the static form, same request
                log.add("fast");
                return null;
            });
            s.spawn("busy", y -> {
                log.add("busy runs while both sleep");
                return null;
            });
            assertEquals(null, runBounded(s));
            assertEquals(2, s.mostWaiting());
        }
        assertEquals(List.of("busy runs while both sleep", "fast", "slow"), log);
    }

    @Test
    void spawnAnswersWithTheTaskAndJoinWithItsResult() throws Exception {
        List<Object> log = new ArrayList<>();
        try (Scheduler s = new Scheduler()) {
            s.spawn("parent", y -> {
                Task child = (Task) y.yield(new Spawn("child", c -> {
                    Scheduler.pause();
                    return 42;
                }));
                log.add(child.name());
                log.add(y.yield(new Join(child)));
                log.add(Scheduler.join(child)); // joining an ended task answers at once
                return null;
            });
            assertEquals(null, runBounded(s));
        }
        assertEquals(List.of("child", 42, 42), log);
    }

    @Test
    void aTaskThatThrowsIsReportedWithItsExceptionAndTheOthersGoOn() throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        List<String> log = new ArrayList<>();
        try (Scheduler s = quiet(reported)) {
            Task failing = s.spawn("failing", y -> {
                Scheduler.pause();
                throw new IOException("connection reset");
            });
            s.spawn("other", y -> {
                for (int i = 0; i < 3; i++) Scheduler.pause();
                log.add("other finished");
                return null;
            });
            assertEquals(null, runBounded(s));
            assertInstanceOf(IOException.class, failing.failure());
            assertTrue(failing.isDone());
        }
        assertEquals(List.of("failing: java.io.IOException: connection reset"), reported);
        assertEquals(List.of("other finished"), log);
    }

    @Test
    void byDefaultAFailureIsPrintedWithItsStackTrace() throws Exception {
        var err = new java.io.ByteArrayOutputStream();
        var saved = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        try (Scheduler s = new Scheduler()) {
            s.spawn("parser", y -> {
                throw new IllegalArgumentException("bad header");
            });
            assertEquals(null, runBounded(s));
        } finally {
            System.setErr(saved);
        }
        String printed = err.toString();
        assertTrue(printed.contains("'parser' failed"), printed);
        assertTrue(printed.contains("java.lang.IllegalArgumentException: bad header"), printed);
        assertTrue(printed.contains("\tat conclab.coro.SchedulerTest"), "the stack shows where: " + printed);
    }

    @Test
    void aJoinerGetsTheFailureThrownAtItsYieldAndNothingIsReported() throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        List<String> log = new ArrayList<>();
        try (Scheduler s = quiet(reported)) {
            s.spawn("parent", y -> {
                Task child = (Task) y.yield(new Spawn("child", c -> {
                    Scheduler.pause();
                    throw new IllegalStateException("child broke");
                }));
                try {
                    Scheduler.join(child);
                } catch (IllegalStateException e) {
                    log.add("parent caught " + e.getMessage());
                }
                return null;
            });
            assertEquals(null, runBounded(s));
        }
        assertEquals(List.of("parent caught child broke"), log);
        assertEquals(List.of(), reported);
    }

    @Test
    void anErrorIsNeverSwallowedItEndsRun() throws Exception {
        List<String> reported = new CopyOnWriteArrayList<>();
        try (Scheduler s = quiet(reported)) {
            s.spawn("fatal", y -> {
                throw new StackOverflowError("pretend");
            });
            Throwable thrown = runBounded(s);
            assertInstanceOf(StackOverflowError.class, thrown);
        }
        assertEquals(List.of(), reported);
    }

    @Test
    void cancelRunsTheTasksFinallyAndItsJoinerGetsACancellation() throws Exception {
        List<String> log = new ArrayList<>();
        try (Scheduler s = new Scheduler()) {
            Task sleeper = s.spawn("sleeper", y -> {
                try {
                    Scheduler.sleep(Duration.ofHours(1));
                    log.add("woke up");
                } finally {
                    log.add("sleeper finally");
                }
                return null;
            });
            s.spawn("canceller", y -> {
                Scheduler.pause();
                sleeper.cancel();
                try {
                    Scheduler.join(sleeper);
                } catch (CancellationException e) {
                    log.add("joiner got " + e.getMessage());
                }
                return null;
            });
            assertEquals(null, runBounded(s), "the loop ended: the cancelled timer no longer keeps it running");
            assertEquals(List.of(), s.unfinished());
        }
        assertEquals(List.of("sleeper finally", "joiner got task 1 'sleeper' was cancelled"), log);
    }

    @Test
    void waitingOnAClosedChannelThrowsClosedChannelExceptionInTheTask() throws Exception {
        List<String> log = new ArrayList<>();
        Pipe pipe = Pipe.open();
        pipe.source().close();
        try (Scheduler s = new Scheduler()) {
            s.spawn("reader", y -> {
                try {
                    Scheduler.readable(pipe.source());
                } catch (ClosedChannelException e) {
                    log.add("closed");
                }
                return null;
            });
            assertEquals(null, runBounded(s));
        }
        pipe.sink().close();
        assertEquals(List.of("closed"), log);
    }

    @Test
    void theStaticRequestsOutsideATaskSayWhatIsWrong() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Scheduler.sleep(Duration.ofMillis(1)));
        assertTrue(e.getMessage().startsWith("not in a task"), e.getMessage());
    }

    @Test
    void closeCancelsTheTasksLeftAndRunsTheirFinallyBlocks() throws Exception {
        List<String> log = new ArrayList<>();
        Pipe pipe = Pipe.open();
        Scheduler s = new Scheduler();
        s.spawn("reader", y -> {
            try {
                Scheduler.readable(pipe.source()); // nothing ever comes
            } finally {
                log.add("reader finally");
            }
            return null;
        });
        s.spawn("stopper", y -> {
            Scheduler.pause();
            s.stop();
            return null;
        });
        assertEquals(null, runBounded(s));
        assertEquals(1, s.unfinished().size());
        s.close();
        assertEquals(List.of("reader finally"), log);
        assertEquals(List.of(), s.unfinished());
        pipe.sink().close();
        pipe.source().close();
    }

    @Test
    void twoTasksCannotWaitToReadTheSameChannelAtOnce() throws Exception {
        List<String> log = new ArrayList<>();
        Pipe pipe = Pipe.open();
        try (Scheduler s = new Scheduler()) {
            Task first = s.spawn("first", y -> {
                Io.read(pipe.source(), ByteBuffer.allocate(1));
                log.add("first read");
                return null;
            });
            s.spawn("second", y -> {
                try {
                    Scheduler.readable(pipe.source());
                } catch (IllegalStateException e) {
                    log.add("second: " + e.getMessage().replaceAll("read \\S+:", "read the pipe:"));
                }
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                return null;
            });
            assertEquals(null, runBounded(s));
            assertTrue(first.isDone());
        }
        pipe.sink().close();
        pipe.source().close();
        assertEquals(List.of("second: task 1 'first' already waits to read the pipe: two tasks cannot wait for the same channel"
                + " the same way at once", "first read"), log);
    }

    @Test
    void closeWhileRunOnAnotherThreadIsRefusedAndLeavesTheSchedulerRunning() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Scheduler s = new Scheduler();
        CountDownLatch started = new CountDownLatch(1);
        s.spawn("sleeper", y -> {
            try {
                started.countDown();
                Scheduler.sleep(Duration.ofHours(1));
            } finally {
                log.add("sleeper finally on " + Thread.currentThread().getName());
            }
            return null;
        });
        Thread runner = Thread.ofPlatform().name("runner").start(s::run);
        assertTrue(started.await(LIMIT.toSeconds(), TimeUnit.SECONDS), "the task never started");

        IllegalStateException e = assertThrows(IllegalStateException.class, s::close);
        assertTrue(e.getMessage().endsWith("call stop(), wait for run() to return, then close()"), e.getMessage());
        CountDownLatch ranAfter = new CountDownLatch(1); // the refused close neither stopped the loop nor closed spawning
        s.spawn("after", y -> {
            ranAfter.countDown();
            return null;
        });
        assertTrue(ranAfter.await(LIMIT.toSeconds(), TimeUnit.SECONDS), "a task spawned after the refused close never ran");
        assertEquals(List.of(), log);

        s.stop();
        assertTrue(runner.join(LIMIT), "run() did not return after stop()");
        s.close(); // run has returned: allowed from any thread, and the cancelled task's last step runs on this one
        assertEquals(List.of("sleeper finally on " + Thread.currentThread().getName()), log);
        assertEquals(List.of(), s.unfinished());
    }

    @Test
    void closeBeforeRunCancelsTheTasksWithoutRunningTheirBodies() throws Exception {
        List<String> log = new ArrayList<>();
        Scheduler s = new Scheduler();
        Task never = s.spawn("never", y -> {
            log.add("ran");
            return null;
        });
        s.close();
        assertTrue(never.isDone());
        assertInstanceOf(CancellationException.class, never.failure());
        assertEquals(Generator.State.CLOSED, never.state());
        assertEquals(List.of(), log);
    }

    // ---------------------------------------------------------------- waiting on real sockets

    static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        return server;
    }

    /** An echo server: a task accepts; each connection is a task that echoes until the end of stream, then closes. */
    static void echoServer(Scheduler s, ServerSocketChannel server, int connections) {
        s.spawn("acceptor", y -> {
            for (int i = 0; i < connections; i++) {
                SocketChannel client = Io.accept(server);
                s.spawn("echo " + i, e -> {
                    try (client) {
                        ByteBuffer buffer = ByteBuffer.allocate(1024);
                        while (Io.read(client, buffer) >= 0) {
                            Io.writeAll(client, buffer.flip());
                            buffer.clear();
                        }
                    }
                    return null;
                });
            }
            server.close();
            return null;
        });
    }

    @Test
    void ioHelpersConnectWriteAndReadLikeBlockingCode() throws Exception {
        List<String> log = new ArrayList<>();
        try (Scheduler s = new Scheduler(); ServerSocketChannel server = listen()) {
            echoServer(s, server, 1);
            s.spawn("client", y -> {
                try (SocketChannel c = SocketChannel.open()) {
                    Io.connect(c, server.getLocalAddress());
                    Io.writeAll(c, ByteBuffer.wrap("x".repeat(100_000).getBytes()));
                    c.shutdownOutput();
                    log.add("echoed " + Io.readToEnd(c).length + " bytes");
                }
                return null;
            });
            assertEquals(null, runBounded(s));
        }
        assertEquals(List.of("echoed 100000 bytes"), log);
    }

    @Test
    void tenThousandTasksOnOneSchedulerEchoTenThousandConnectionsFromAnotherJvm() throws Exception {
        int n = 10_000;
        List<String> reported = new CopyOnWriteArrayList<>();
        Scheduler s = quiet(reported);
        ServerSocketChannel server = listen();
        echoServer(s, server, n);
        Process clients = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss256k", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), EchoClients.class.getName(),
                String.valueOf(((InetSocketAddress) server.getLocalAddress()).getPort()), String.valueOf(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread loop = Thread.ofPlatform().name("scheduler").start(() -> {
                try {
                    s.run();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream()));
            assertEquals("CONNECTED " + n, out.readLine());
            // Every client is connected; each server task reads at once, so all wait for their first byte together.
            AtomicReference<Integer> waitingNow = new AtomicReference<>();
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                CountDownLatch asked = new CountDownLatch(1);
                s.loop().callSoon(() -> {
                    waitingNow.set(s.waiting());
                    asked.countDown();
                });
                assertTrue(asked.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
                if (waitingNow.get() == n) break;
                Thread.sleep(10); // a bounded poll of a count the loop owns
            }
            assertEquals(n, waitingNow.get(), "every connection's task waits at once");
            OutputStream go = clients.getOutputStream();
            go.write('\n');
            go.flush();
            assertEquals("DONE " + n + " 0", out.readLine());
            assertTrue(loop.join(LIMIT), "the scheduler ended once every connection was served");
            assertEquals(null, thrown.get());
            assertEquals(List.of(), reported);
            assertEquals(List.of(), s.unfinished());
        } finally {
            clients.destroyForcibly();
            clients.waitFor(10, TimeUnit.SECONDS);
            s.close();
            server.close();
        }
    }

    @Test
    void whileEveryTaskWaitsTheSchedulersThreadUsesNoCpu() throws Exception {
        int pipes = 1000;
        List<Pipe> all = new ArrayList<>();
        for (int i = 0; i < pipes; i++) all.add(Pipe.open());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Scheduler s = new Scheduler();
        CountDownLatch allWaiting = new CountDownLatch(pipes + 1);
        for (Pipe p : all) {
            s.spawn("reader", y -> {
                ByteBuffer b = ByteBuffer.allocate(1);
                allWaiting.countDown();
                Io.read(p.source(), b); // a channel in blocking mode would block the thread: Io makes it non-blocking
                return null;
            });
        }
        s.spawn("sleeper", y -> {
            allWaiting.countDown();
            Scheduler.sleep(Duration.ofSeconds(2));
            return null;
        });
        AtomicReference<Thread> loopThread = new AtomicReference<>();
        Thread loop = Thread.ofPlatform().name("scheduler").start(() -> {
            loopThread.set(Thread.currentThread());
            s.run();
        });
        try {
            assertTrue(allWaiting.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
            long cpu0 = mx.getThreadCpuTime(loop.threadId()), wall0 = System.nanoTime();
            // A bounded wait: what is measured is the CPU the scheduler's thread uses during it.
            new CountDownLatch(1).await(500, TimeUnit.MILLISECONDS);
            long cpu = mx.getThreadCpuTime(loop.threadId()) - cpu0, wall = System.nanoTime() - wall0;
            assertTrue(cpu < wall / 10, "the scheduler's thread used " + cpu / 1_000_000 + " ms of CPU in "
                    + wall / 1_000_000 + " ms while all " + pipes + " tasks waited");
            assertEquals(Thread.State.RUNNABLE, loop.getState(), "it waits in epoll_wait, a native call: RUNNABLE to Java");
            for (Pipe p : all) p.sink().write(ByteBuffer.wrap(new byte[] {1}));
            assertTrue(loop.join(LIMIT));
        } finally {
            if (!loop.isAlive()) s.close();
            for (Pipe p : all) {
                p.sink().close();
                p.source().close();
            }
        }
    }
}
