package conclab.trace;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceTest {
    @AfterEach
    void noTraceLeftRunning() {
        Trace.start(Duration.ZERO).stop();
    }

    static Timeline.Lane lane(Timeline t, String thread) {
        return t.lanes().stream().filter(l -> l.thread().equals(thread)).findFirst().orElseThrow(
                () -> new AssertionError("no lane " + thread + " in " + t.lanes().stream().map(Timeline.Lane::thread).toList()));
    }

    @Test
    void spansNestAndKeepTheirOrderPerThread() {
        Trace trace = Trace.start(Duration.ZERO);
        try (var outer = Trace.span("outer")) {
            try (var a = Trace.span("first")) {
                Trace.event("inside first");
            }
            try (var b = Trace.span("second")) { }
        }
        Timeline t = trace.stop();
        var bars = lane(t, Thread.currentThread().getName()).bars();
        assertEquals(List.of("outer", "first", "second"), bars.stream().map(Timeline.Bar::name).toList());
        assertEquals(List.of(0, 1, 1), bars.stream().map(Timeline.Bar::depth).toList());
        Timeline.Bar outer = bars.get(0), first = bars.get(1), second = bars.get(2);
        assertTrue(outer.start() <= first.start() && first.end() <= second.start() && second.end() <= outer.end());
        var event = lane(t, Thread.currentThread().getName()).events().getFirst();
        assertTrue(first.start() <= event.time() && event.time() <= first.end());
    }

    @Test
    void outsideATraceSpansRecordNothing() {
        try (var s = Trace.span("nowhere")) {
            assertSame(Span.NOTHING, s);
        }
        Trace.event("ignored");
        Timeline t = Trace.start(Duration.ZERO).stop();
        assertTrue(t.bars().isEmpty());
    }

    @Test
    void virtualAndPlatformThreadsGetLanes() throws Exception {
        Trace trace = Trace.start(Duration.ZERO);
        Thread.ofVirtual().name("vt-worker").start(() -> { try (var s = Trace.span("in a virtual thread")) { } }).join();
        Thread.ofPlatform().name("pt-worker").start(() -> { try (var s = Trace.span("in a platform thread")) { } }).join();
        Timeline t = trace.stop();
        assertTrue(lane(t, "vt-worker").virtual());
        assertFalse(lane(t, "pt-worker").virtual());
        assertEquals("in a virtual thread", lane(t, "vt-worker").bars().getFirst().name());
    }

    @Test
    void maxConcurrentCountsOverlappingSpans() throws Exception {
        Trace trace = Trace.start(Duration.ZERO);
        var permits = new Semaphore(3);
        var inside = new CyclicBarrier(3); // three are inside at once, for sure
        try (var pool = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                int n = i;
                pool.submit(() -> {
                    permits.acquire();
                    try (var s = Trace.span("download " + n)) {
                        if (n < 3) inside.await(30, TimeUnit.SECONDS);
                    } finally {
                        permits.release();
                    }
                    return null;
                });
            }
        }
        Timeline t = trace.stop();
        assertEquals(6, t.bars().size());
        assertEquals(3, t.maxConcurrent("download"));
        assertEquals(0, t.maxConcurrent("upload"));
    }

    @Test
    void theSamplerSeesSleepingWaitingRunningAndBlocked() throws Exception {
        Object lock = new Object();
        var holding = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var done = new CountDownLatch(4);
        Trace trace = Trace.start(Duration.ofMillis(1));
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().name("sleeper").start(() -> {
            while (release.getCount() > 0) {
                try { Thread.sleep(5); } catch (InterruptedException e) { }
            }
            done.countDown();
        }));
        threads.add(Thread.ofPlatform().name("holder").start(() -> {
            synchronized (lock) {
                holding.countDown();
                try { release.await(); } catch (InterruptedException e) { }
            }
            done.countDown();
        }));
        holding.await();
        threads.add(Thread.ofPlatform().name("blocked").start(() -> {
            synchronized (lock) { }
            done.countDown();
        }));
        threads.add(Thread.ofPlatform().name("spinner").start(() -> {
            while (release.getCount() > 0) Thread.onSpinWait();
            done.countDown();
        }));
        // Every thread stays in its state until the sampler has seen it there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !(seen(trace, "blocked", State.BLOCKED) && seen(trace, "holder", State.WAITING)
                && seen(trace, "sleeper", State.SLEEPING) && seen(trace, "spinner", State.RUNNING))) {
            Thread.sleep(5);
        }
        release.countDown();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        Timeline t = trace.stop();
        assertTrue(states(t, "sleeper").contains(State.SLEEPING), "sleeper: " + states(t, "sleeper"));
        assertTrue(states(t, "holder").contains(State.WAITING), "holder: " + states(t, "holder"));
        assertTrue(states(t, "blocked").contains(State.BLOCKED), "blocked: " + states(t, "blocked"));
        assertTrue(states(t, "spinner").contains(State.RUNNING), "spinner: " + states(t, "spinner"));
        assertTrue(t.lanes().stream().noneMatch(l -> l.thread().startsWith("conclab-")), "the sampler is not a lane");
    }

    private static boolean seen(Trace trace, String thread, State state) {
        Timeline now = trace.snapshot();
        return now.lanes().stream().anyMatch(l -> l.thread().equals(thread)) && states(now, thread).contains(state);
    }

    private static List<State> states(Timeline t, String thread) {
        return lane(t, thread).states().stream().map(Timeline.Interval::state).toList();
    }

    @Test
    void startingATraceStopsThePreviousOne() {
        Trace first = Trace.start(Duration.ZERO);
        Trace second = Trace.start(Duration.ZERO);
        try (var s = Trace.span("for the second")) { }
        assertTrue(first.stop().bars().isEmpty());
        assertEquals(1, second.stop().bars().size());
    }

    @Test
    void recordReturnsTheTimelineOfItsBody() {
        Timeline t = Trace.record(() -> { try (var s = Trace.span("body")) { } });
        assertEquals("body", t.bars().getFirst().name());
    }

    @Test
    void carrierThreadsGetLanesOnlyWhenAsked() throws Exception {
        for (boolean carriers : new boolean[] {false, true}) {
            var running = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            Trace trace = Trace.start(Duration.ofMillis(1), carriers);
            Thread vt = Thread.ofVirtual().start(() -> {
                running.countDown();
                while (release.getCount() > 0) Thread.onSpinWait(); // stays mounted on a carrier
            });
            running.await();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (carriers && System.nanoTime() < deadline
                    && trace.snapshot().lanes().stream().noneMatch(l -> l.thread().startsWith("ForkJoinPool-"))) {
                Thread.sleep(5);
            }
            release.countDown();
            vt.join();
            boolean hasCarrier = trace.stop().lanes().stream().anyMatch(l -> l.thread().startsWith("ForkJoinPool-"));
            assertEquals(carriers, hasCarrier, "carriers=" + carriers);
        }
    }

    /** Waits (30 s at most) until the trace's timeline has a lane for each of {@code threads}. */
    private static void awaitLanes(Trace trace, java.util.Collection<String> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !names(trace.snapshot()).containsAll(threads)) Thread.sleep(5);
    }

    private static List<String> names(Timeline t) {
        return t.lanes().stream().map(Timeline.Lane::thread).toList();
    }

    @Test
    void aLearnersPoolsShowTheirWorkersAndTheJdksThreadsStartedMeanwhileAreHidden() throws Exception {
        var release = new CountDownLatch(1);
        var old = Thread.ofPlatform().name("older-than-the-trace").start(() -> { try { release.await(); } catch (InterruptedException e) { } });
        Trace trace = Trace.start(Duration.ofMillis(1));
        Set<String> workers = ConcurrentHashMap.newKeySet();
        var fixed = Executors.newFixedThreadPool(2);
        var forkJoin = new ForkJoinPool(1);
        try {
            var started = new CountDownLatch(3);
            Callable<Void> task = () -> {
                workers.add(Thread.currentThread().getName());
                started.countDown();
                release.await(); // no span: a lane only if the sampler watches the thread
                return null;
            };
            fixed.submit(task);
            fixed.submit(task);
            forkJoin.schedule(task, 1, TimeUnit.MILLISECONDS); // starts the pool's delay scheduler thread, lazily
            new ProcessBuilder("true").start().waitFor(30, TimeUnit.SECONDS); // the process reaper, if none yet
            assertTrue(started.await(30, TimeUnit.SECONDS));
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().endsWith("-delayScheduler")
                    && t.threadId() > old.threadId()), "a delay scheduler was started during the trace");
            awaitLanes(trace, workers);
        } finally {
            release.countDown();
            fixed.close();
            forkJoin.close();
            old.join();
        }
        List<String> lanes = names(trace.stop());
        assertTrue(lanes.containsAll(workers), "the learner's workers " + workers + " in " + lanes);
        assertTrue(workers.stream().anyMatch(w -> w.startsWith("ForkJoinPool-")), "a learner ForkJoinPool's worker: " + workers);
        assertTrue(lanes.stream().noneMatch(l -> l.endsWith("-delayScheduler") || l.equals("process reaper")
                || l.equals("older-than-the-trace")), "JDK threads and older ones hidden: " + lanes);
    }

    @Test
    void theRuleTellsTheLearnersThreadsFromTheJdksAndTheJvms() throws Exception {
        class Spider extends Thread { }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) root = root.getParent();
        assertTrue(Trace.looksStartedByLearner(new Thread(() -> { })), "new Thread");
        assertTrue(Trace.looksStartedByLearner(Thread.ofPlatform().unstarted(() -> { })), "Thread.ofPlatform()");
        assertTrue(Trace.looksStartedByLearner(new Spider()), "a Thread subclass of the learner's");
        assertFalse(Trace.looksStartedByLearner(new Thread(root, () -> { }, "Attach Listener")), "the JVM's root group");
        assertFalse(Trace.looksStartedByLearner(Thread.ofPlatform().name("conclab-outbox").unstarted(() -> { })), "the course's");
        Thread common = ForkJoinPool.commonPool().submit(Thread::currentThread).get(30, TimeUnit.SECONDS);
        assertFalse(Trace.looksStartedByLearner(common), "a worker of the common pool: " + common.getClass());
        try (var mine = new ForkJoinPool(1)) {
            Thread worker = mine.submit(Thread::currentThread).get(30, TimeUnit.SECONDS);
            assertTrue(Trace.looksStartedByLearner(worker), "a worker of the learner's ForkJoinPool");
        }
    }

    @Test
    void askedForAllThreadsTheJdksShowToo() throws Exception {
        Trace trace = Trace.start(Duration.ofMillis(1), Trace.Lanes.ALL);
        String scheduler;
        try (var forkJoin = new ForkJoinPool(1)) {
            forkJoin.schedule(() -> { }, 1, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
            scheduler = forkJoinName(forkJoin) + "-delayScheduler";
            awaitLanes(trace, List.of(scheduler, "Reference Handler"));
        }
        List<String> lanes = names(trace.stop());
        assertTrue(lanes.contains(scheduler) && lanes.contains("Reference Handler"), "JDK threads, new and old: " + lanes);
        assertTrue(lanes.stream().noneMatch(l -> l.equals("conclab-trace-sampler")), "never the sampler");
    }

    /** "ForkJoinPool-N", the prefix of the pool's thread names. */
    private static String forkJoinName(ForkJoinPool pool) throws Exception {
        String worker = pool.submit(() -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS);
        return worker.substring(0, worker.lastIndexOf("-worker-"));
    }
}
