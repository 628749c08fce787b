package conclab.coro;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.coro.Generator.State;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What a continuation-based generator does that Python's does not, or the other way round: stackful yields, pinned
 * continuations, collection without close; and how the thread-based generator compares.
 */
class WhereJavaDiffersTest {
    static final long LIMIT_SECONDS = GeneratorTest.LIMIT_SECONDS;

    // ---------------------------------------------------------------- stackful

    /** Python needs yield from for this; a continuation suspends every frame between the body and the yield. */
    static void countDown(Yielder<Integer, Object> y, int from) {
        for (int i = from; i > 0; i--) y.yield(i);
    }

    @Test
    void aMethodTheBodyCallsCanYieldBecauseTheContinuationIsStackful() {
        Generator<Integer, Object, Object> g = Generator.of(y -> {
            countDown(y, 3);
            countDown(y, 2);
            return null;
        });
        List<Integer> seen = new ArrayList<>();
        for (int i : g) seen.add(i);
        assertEquals(List.of(3, 2, 1, 2, 1), seen);
    }

    @Test
    void aYieldWhileHoldingAMonitorWorksSinceJdk24() {
        Object lock = new Object();
        Generator<String, Object, Object> g = Generator.of(y -> {
            synchronized (lock) {
                y.yield("inside synchronized");
            }
            return null;
        });
        assertEquals("inside synchronized", g.next());
        assertThrows(StopIteration.class, g::next);
    }

    // ---------------------------------------------------------------- pinned

    /** The yielder the native comparator yields through, and what the yield threw there. */
    static Yielder<String, Object> nativeYielder;
    static final AtomicReference<Throwable> thrownInUpcall = new AtomicReference<>();

    /** A comparator called by C's qsort: it tries to yield across the native frame. Must not throw (the JVM would end). */
    static int compareAndTryToYield(MemorySegment a, MemorySegment b) {
        try {
            nativeYielder.yield("from inside qsort");
        } catch (Throwable e) {
            thrownInUpcall.compareAndSet(null, e);
        }
        return Integer.compare(a.reinterpret(4).get(JAVA_INT, 0), b.reinterpret(4).get(JAVA_INT, 0));
    }

    @Test
    void aYieldThroughANativeFrameFailsBecauseTheContinuationIsPinned() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle qsort = linker.downcallHandle(linker.defaultLookup().find("qsort").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        MethodHandle compare = MethodHandles.lookup().findStatic(WhereJavaDiffersTest.class, "compareAndTryToYield",
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        List<String> yielded = new ArrayList<>();
        Generator<String, Object, String> g = Generator.of(y -> {
            nativeYielder = y;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment numbers = arena.allocateFrom(JAVA_INT, 3, 1, 2);
                MemorySegment comparator = linker.upcallStub(compare,
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), arena);
                try {
                    qsort.invokeExact(numbers, 3L, 4L, comparator);
                } catch (Throwable t) {
                    throw new AssertionError("qsort failed", t);
                }
                return numbers.getAtIndex(JAVA_INT, 0) + "," + numbers.getAtIndex(JAVA_INT, 1) + "," + numbers.getAtIndex(JAVA_INT, 2);
            }
        });
        StopIteration end = assertThrows(StopIteration.class, () -> yielded.add(g.next()));
        assertEquals(List.of(), yielded, "nothing was yielded across the native frame");
        assertEquals("1,2,3", end.value(), "qsort finished: the failed yields returned into the comparator");
        Throwable e = thrownInUpcall.get();
        assertNotNull(e);
        assertEquals(IllegalStateException.class, e.getClass());
        assertTrue(e.getMessage().startsWith("cannot yield: the generator's continuation is pinned (NATIVE)"), e.getMessage());
    }

    /** The yielder a class initialiser yields through, and what the yield threw there. */
    static Yielder<String, Object> initialiserYielder;
    static Throwable thrownInInitialiser;

    /** A class whose static initialiser tries to yield: the JVM runs initialisers through a native frame. */
    static final class YieldsWhileInitialised {
        static final String STATE;
        static {
            String s = "initialised";
            try {
                initialiserYielder.yield("from a static initialiser");
            } catch (Throwable e) {
                thrownInInitialiser = e;
            }
            STATE = s;
        }
    }

    @Test
    void aYieldInAStaticInitialiserFailsBecauseTheContinuationIsPinned() {
        Generator<String, Object, String> g = Generator.of(y -> {
            initialiserYielder = y;
            return YieldsWhileInitialised.STATE;
        });
        assertEquals("initialised", assertThrows(StopIteration.class, g::next).value());
        assertNotNull(thrownInInitialiser);
        assertTrue(thrownInInitialiser.getMessage().startsWith("cannot yield: the generator's continuation is pinned (NATIVE)"),
                thrownInInitialiser.getMessage());
    }

    /** The yielder a class initialiser delegates through, and what came out of the yieldFrom there. */
    static Yielder<String, Object> delegatingInitialiserYielder;
    static Generator<String, Object, String> subOfInitialiser;
    static Throwable thrownByYieldFromInInitialiser;

    /** A class whose static initialiser delegates with yieldFrom: the yield of each value sub yields fails there. */
    static final class DelegatesWhileInitialised {
        static final String STATE;
        static {
            try {
                delegatingInitialiserYielder.yieldFrom(subOfInitialiser);
            } catch (Throwable e) {
                thrownByYieldFromInInitialiser = e;
            }
            STATE = "initialised";
        }
    }

    /**
     * The pinned yield inside yieldFrom is a failure of the yield, not something the caller threw in: the
     * sub-generator is closed (its finally runs), it is not thrown the IllegalStateException (a sub-generator that
     * catches it and yields again would make yieldFrom loop), and the failure comes out of yieldFrom.
     */
    @Test
    void aPinnedYieldInsideYieldFromClosesTheSubGeneratorAndIsNotThrownIntoIt() {
        List<String> subSaw = new ArrayList<>();
        subOfInitialiser = Generator.of(s -> {
            try {
                for (int i = 0; i < 3; i++) {
                    try {
                        s.yield("sub " + i);
                    } catch (RuntimeException e) {
                        subSaw.add("caught " + e.getClass().getSimpleName());
                    }
                }
                return "sub returned";
            } finally {
                subSaw.add("finally");
            }
        });
        Generator<String, Object, String> g = Generator.of(y -> {
            delegatingInitialiserYielder = y;
            return DelegatesWhileInitialised.STATE;
        });
        assertEquals("initialised", assertThrows(StopIteration.class, g::next).value());
        assertEquals(List.of("finally"), subSaw, "the sub-generator was closed, and was thrown nothing into");
        assertEquals(State.CLOSED, subOfInitialiser.state());
        assertNotNull(thrownByYieldFromInInitialiser);
        assertEquals(IllegalStateException.class, thrownByYieldFromInInitialiser.getClass());
        assertTrue(thrownByYieldFromInInitialiser.getMessage().startsWith("cannot yield: the generator's continuation is pinned (NATIVE)"),
                thrownByYieldFromInInitialiser.getMessage());
    }

    // ---------------------------------------------------------------- collected without close

    @Test
    void anAbandonedSuspendedGeneratorHoldsNoThreadAndIsCollectedWithoutRunningItsFinally() throws Exception {
        AtomicBoolean finallyRan = new AtomicBoolean();
        ReferenceQueue<Object> collected = new ReferenceQueue<>();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Generator<Integer, Object, Object> g = Generator.of(y -> {
                try {
                    while (true) y.yield(1);
                } finally {
                    finallyRan.set(true);
                }
            });
            g.next();
            refs.add(new WeakReference<>(g, collected));
        }
        assertTrue(ManagementFactory.getThreadMXBean().getThreadCount() < threadsBefore + 10,
                "1000 suspended generators hold no thread each");
        int cleared = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (cleared < refs.size() && System.nanoTime() < deadline) {
            System.gc();
            while (collected.remove(100) != null) cleared++;
        }
        assertEquals(refs.size(), cleared, "every abandoned generator was collected");
        assertFalse(finallyRan.get(), "and no finally ran: Java does not close a generator it collects");
    }

    @Test
    void anAbandonedThreadGeneratorKeepsItsThreadParked() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> bodyThread = new AtomicReference<>();
        Generator<Integer, Object, Object> g = Generator.onThread(Thread.ofPlatform().daemon(), y -> {
            bodyThread.set(Thread.currentThread());
            started.countDown();
            while (true) y.yield(1);
        });
        g.next();
        assertTrue(started.await(LIMIT_SECONDS, TimeUnit.SECONDS));
        g = null; // abandoned
        System.gc();
        Thread t = bodyThread.get();
        assertTrue(t.isAlive(), "its thread lives on");
        assertEquals(Thread.State.WAITING, waitForState(t, Thread.State.WAITING), "parked, waiting for a send that never comes");
        t.interrupt(); // the way to end it: an interrupt closes a suspended thread generator
        assertTrue(t.join(Duration.ofSeconds(LIMIT_SECONDS)));
    }

    static Thread.State waitForState(Thread t, Thread.State wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (t.getState() != wanted && System.nanoTime() < deadline) Thread.sleep(1); // a bounded poll of a state
        return t.getState();
    }

    @Test
    void anInterruptOfASuspendedThreadGeneratorClosesItAndRunsItsFinally() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        List<String> log = new ArrayList<>();
        AtomicReference<Thread> bodyThread = new AtomicReference<>();
        Generator<Integer, Object, Object> g = Generator.onThread(Thread.ofVirtual(), y -> {
            bodyThread.set(Thread.currentThread());
            try {
                y.yield(1);
                log.add("resumed");
            } catch (GeneratorExit e) {
                log.add("GeneratorExit");
            } finally {
                log.add("finally");
                finished.countDown();
            }
            return null;
        });
        g.next();
        bodyThread.get().interrupt();
        assertTrue(finished.await(LIMIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(List.of("GeneratorExit", "finally"), log);
        assertEquals(State.CLOSED, g.state());
        assertThrows(StopIteration.class, g::next);
    }

    // ---------------------------------------------------------------- without the JVM option

    /** Run in a child JVM started without the export: makes a generator and prints what happened. */
    public static void main(String[] args) {
        try {
            Generator.of(y -> null);
            System.out.println("made one");
        } catch (UnsupportedOperationException e) {
            System.out.println(e.getMessage());
        }
    }

    @Test
    void withoutTheJvmOptionGeneratorOfSaysWhatToDo() throws Exception {
        Process child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WhereJavaDiffersTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(out.contains("start it with --add-exports java.base/jdk.internal.vm=ALL-UNNAMED"), out);
    }

    // ---------------------------------------------------------------- inside a virtual thread

    @Test
    void aGeneratorWhoseBodyBlocksCanRunInsideAVirtualThread() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread vt = Thread.ofVirtual().start(() -> {
            Generator<String, Object, Object> g = Generator.of(y -> {
                Thread.sleep(10); // the virtual thread parks with the generator's frames on its stack
                y.yield(Thread.currentThread().isVirtual() ? "in a virtual thread" : "elsewhere");
                return null;
            });
            result.set(g.next());
            g.close();
        });
        assertTrue(vt.join(Duration.ofSeconds(LIMIT_SECONDS)));
        assertEquals("in a virtual thread", result.get());
    }
}
