package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two armed threads that read-modify-write the same primitive place without a lock lose an update every time; with a
 * lock, an atomic or a compare-and-set loop, none; a hold ends early when the other thread cannot come, and at the
 * patience when it does not.
 */
class ForcedRaceTest {
    @TempDir
    static Path classes;
    static ClassLoader parent;

    /** Long enough for a slow machine: a meeting or an early end comes well before it. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    @BeforeAll
    static void compile() throws Exception {
        Path src = Files.createDirectories(classes.resolve("src"));
        Files.writeString(src.resolve(Evidence.SOLUTION_FILE), """
                import java.lang.invoke.MethodHandles;
                import java.lang.invoke.VarHandle;
                import java.util.concurrent.Semaphore;
                import java.util.concurrent.atomic.AtomicLong;

                class Counter {
                    long count;
                    int small;
                    static int total;
                    final int[] cells = new int[2];
                    final double[] sums = new double[1];
                    final Object lock = new Object();
                    final Semaphore permit = new Semaphore(1);
                    final AtomicLong atomic = new AtomicLong();
                    volatile long cas;
                    static final VarHandle CAS;
                    static {
                        try {
                            CAS = MethodHandles.lookup().findVarHandle(Counter.class, "cas", long.class);
                        } catch (ReflectiveOperationException e) {
                            throw new ExceptionInInitializerError(e);
                        }
                    }

                    void racy() { count++; }
                    void racySmall() { small++; }
                    static void racyStatic() { total++; }
                    void racyCell() { cells[1]++; }
                    void racyCellAt(int i) { cells[i]++; }
                    void racySum() { sums[0] += 1; }
                    void racyNewLock() { synchronized (new Object()) { count++; } }
                    void locked() { synchronized (lock) { count++; } }
                    void semaphore() {
                        permit.acquireUninterruptibly();
                        try {
                            count++;
                        } finally {
                            permit.release();
                        }
                    }
                    void atomic() { atomic.incrementAndGet(); }
                    void atomicGetSet() { atomic.set(atomic.get() + 1); }
                    void atomicCasLoop() {
                        long v;
                        do {
                            v = atomic.getAcquire();
                        } while (!atomic.compareAndSet(v, v + 1));
                    }
                    final java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean();
                    void spinLocked() {
                        while (!busy.compareAndSet(false, true)) Thread.onSpinWait();
                        try {
                            count++;
                        } finally {
                            busy.set(false);
                        }
                    }
                    void casLoop() {
                        long v;
                        do {
                            v = cas;
                        } while (!CAS.compareAndSet(this, v, v + 1));
                    }
                }
                """);
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", classes.toString(),
                src.resolve(Evidence.SOLUTION_FILE).toString());
        assertEquals(0, exit, "javac");
        parent = new URLClassLoader(new URL[] {classes.toUri().toURL()}, ForcedRaceTest.class.getClassLoader());
    }

    /** What two armed threads did, each calling a method of one new Counter of a new copy once. */
    record Run(Object counter, int meetings, boolean timedOut, boolean othersLate, String meeting, Duration took) {
        Object field(String name) throws ReflectiveOperationException {
            Field f = counter.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(counter); // a static field's too: the object is then ignored
        }
    }

    /** Each of 2 armed threads calls {@code method} on one Counter, with argument {@code t} (0, 1) if it takes one. */
    static Run twoThreads(String method, Duration patience) throws Exception {
        InstrumentedCopy copy = ForcedRace.copy("test copy", parent);
        Constructor<?> make = copy.copyOf("Counter").getDeclaredConstructor();
        make.setAccessible(true);
        Object counter = make.newInstance();
        Method m;
        try {
            m = copy.method("Counter", method);
        } catch (NoSuchMethodException e) {
            m = copy.method("Counter", method, int.class);
        }
        Method call = m;
        long start = System.nanoTime();
        try (ForcedRace.Round round = ForcedRace.arm(2, patience)) {
            Liveness.Task[] tasks = new Liveness.Task[2];
            for (int t = 0; t < 2; t++) {
                Object[] args = call.getParameterCount() == 0 ? new Object[0] : new Object[] {t};
                tasks[t] = Liveness.task("thread " + t, () -> {
                    round.join();
                    try {
                        InstrumentedCopy.invoke(call, counter, args);
                    } finally {
                        round.leave();
                    }
                });
            }
            Liveness.finish("two calls of " + method, Duration.ofSeconds(60), tasks);
            return new Run(counter, round.meetings(), round.timedOut(), round.othersLate(), round.meeting(), Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /**
     * Two threads calling {@code method} that met: a round is run again, as the exercises' checks do, only when its
     * hold ran out of patience before the other thread had reached the learner's code (a busy machine had not run it
     * yet). A round that timed out with both threads in the learner's code, or that ended without a meeting, fails.
     */
    static Run met(String method) throws Exception {
        Run run = null;
        for (int round = 0; round < 5; round++) {
            run = twoThreads(method, PATIENCE);
            if (!(run.timedOut() && run.othersLate())) break;
        }
        assertEquals(1, run.meetings(), method + ": the threads should meet once; timed out " + run.timedOut()
                + ", others late " + run.othersLate() + ", took " + run.took());
        return run;
    }

    @Test
    void aRacyReadModifyWriteLosesAnUpdateEveryTime() throws Exception {
        for (int i = 0; i < 3; i++) {
            Run count = met("racy");
            assertEquals(1L, count.field("count"), "a long field");
            assertTrue(count.meeting().startsWith("the check held a thread just after it read Counter.count in Counter.racy (line ")
                    && count.meeting().endsWith("in the same place"), count.meeting());
            assertEquals(1, met("racySmall").field("small"), "an int field");
            assertEquals(1L, met("racyNewLock").field("count"), "a lock no other thread takes");
            assertEquals(1, ((int[]) met("racyCell").field("cells"))[1], "an int array's element");
            Run sum = met("racySum");
            assertEquals(1.0, ((double[]) sum.field("sums"))[0], "a double array's element");
            assertTrue(sum.meeting().startsWith("the check held a thread just after it read element 0 of a double array in Counter.racySum"), sum.meeting());
            assertEquals(1, met("racyStatic").field("total"), "a static field");
            Run getSet = met("atomicGetSet");
            assertEquals(1L, ((java.util.concurrent.atomic.AtomicLong) getSet.field("atomic")).get(), "an atomic's get() then set()");
            assertTrue(getSet.meeting().startsWith("the check held a thread just after it read the AtomicLong's value (get()) in Counter.atomicGetSet (line "), getSet.meeting());
        }
    }

    @Test
    void aLockAroundTheReadAndTheWriteLosesNothingAndItsHoldEndsAtOnce() throws Exception {
        for (String guarded : new String[] {"locked", "semaphore"}) {
            Run run = twoThreads(guarded, PATIENCE);
            assertEquals(2L, run.field("count"), guarded);
            assertFalse(run.timedOut(), guarded + ": the other thread waits for the held one, which then goes on");
            assertTrue(run.took().compareTo(PATIENCE.dividedBy(2)) < 0, guarded + " took " + run.took());
        }
    }

    @Test
    void aSpinLockLosesNothingAndItsTimeOutIsNotLate() throws Exception {
        Run run = twoThreads("spinLocked", Duration.ofSeconds(1));
        assertEquals(2L, run.field("count"));
        assertTrue(run.timedOut(), "the other thread spins, running, while the held one has the lock");
        assertFalse(run.othersLate(), "it spins in the learner's code: another round would see the same");
    }

    @Test
    void anAtomicAndACompareAndSetLoopLoseNothing() throws Exception {
        Run atomic = twoThreads("atomic", PATIENCE);
        assertEquals(2L, ((java.util.concurrent.atomic.AtomicLong) atomic.field("atomic")).get());
        assertEquals(0, atomic.meetings(), "incrementAndGet reads inside the JDK's classes, which are not copied: nothing is held");
        for (int i = 0; i < 3; i++) {
            Run cas = met("casLoop"); // both read the same value; one compare-and-set fails and reads again
            assertEquals(2L, cas.field("cas"));
            Run atomicCas = met("atomicCasLoop");
            assertEquals(2L, ((java.util.concurrent.atomic.AtomicLong) atomicCas.field("atomic")).get(), "an atomic's compare-and-set loop");
        }
    }

    @Test
    void differentElementsOfAnArrayNeverMeet() throws Exception {
        Run run = twoThreads("racyCellAt", PATIENCE);
        assertEquals("[1, 1]", java.util.Arrays.toString((int[]) run.field("cells")));
        assertEquals(0, run.meetings());
        assertFalse(run.timedOut(), "the held thread goes on once the other has left the round");
    }

    @Test
    void aThreadThatDidNotJoinIsNeverHeld() throws Exception {
        InstrumentedCopy copy = ForcedRace.copy("test copy", parent);
        Constructor<?> make = copy.copyOf("Counter").getDeclaredConstructor();
        make.setAccessible(true);
        Object counter = make.newInstance();
        try (ForcedRace.Round round = ForcedRace.arm(1, PATIENCE)) {
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) InstrumentedCopy.invoke(copy.method("Counter", "racy"), counter);
            assertTrue(System.nanoTime() - start < PATIENCE.toNanos() / 2);
            assertEquals(0, round.meetings());
            assertThrows(IllegalStateException.class, () -> ForcedRace.arm(1, PATIENCE), "one round at a time");
        }
    }

    @Test
    void aHoldNoOneMeetsEndsAtThePatienceAndIsTheRoundsLast() throws Exception {
        InstrumentedCopy copy = ForcedRace.copy("test copy", parent);
        Constructor<?> make = copy.copyOf("Counter").getDeclaredConstructor();
        make.setAccessible(true);
        Object counter = make.newInstance();
        Method racy = copy.method("Counter", "racySmall");
        Duration patience = Duration.ofMillis(300);
        CountDownLatch done = new CountDownLatch(1);
        try (ForcedRace.Round round = ForcedRace.arm(2, patience)) {
            long[] took = new long[2];
            Liveness.finish("a lonely read", Duration.ofSeconds(60), Liveness.task("reader", () -> {
                round.join();
                for (int i = 0; i < 2; i++) {
                    long start = System.nanoTime();
                    InstrumentedCopy.invoke(racy, counter);
                    took[i] = System.nanoTime() - start;
                }
                round.leave();
                done.countDown();
            }), Liveness.task("bystander", () -> {
                round.join(); // armed, but waits in the test's code, not the learner's: it might still come
                done.await(60, TimeUnit.SECONDS);
                round.leave();
            }));
            assertTrue(round.timedOut());
            assertTrue(round.othersLate(), "the bystander never reached the learner's code");
            assertEquals(0, round.meetings());
            assertTrue(took[0] >= patience.toNanos(), "held for the patience: " + took[0]);
            assertTrue(took[1] < patience.toNanos(), "not held again in the round: " + took[1]);
        }
    }
}
