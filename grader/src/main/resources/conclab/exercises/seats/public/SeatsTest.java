import conclab.coro.Generator;
import conclab.coro.Scheduler;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Hang;
import conclab.grader.probe.InstrumentedCopy;
import conclab.grader.probe.Property;
import conclab.grader.probe.UnlockedReads;
import conclab.grader.probe.Waiting;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the seats exercise: the learner may read them. Tasks run on a {@link Scheduler} on a thread of the
 * test's own, threads are platform threads of the test; every wait is bounded.
 */
public class SeatsTest {
    /** A generous bound for what takes milliseconds: the machine may be shared and busy. */
    static final Duration LIMIT = Duration.ofSeconds(10);
    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    /** The CPU time a booking that finds no seat free may use: it needs well under 1 ms; a 200 ms spin got 51 to 92 ms on 2 busy cores. */
    static final Duration MOST_CPU = Duration.ofMillis(10);

    // ---------------------------------------------------------------- tasks on one scheduler

    @Test
    @Property("tasks-hold-seat")
    void tasksHoldSeat() {
        tasksTwoTheatres();
        // 1 seat, 3 tasks, each paying for 30 ms: the scheduler's one thread runs the others meanwhile.
        TaskSeats one = new TaskSeats(1);
        List<Boolean> booked = new CopyOnWriteArrayList<>();
        AtomicInteger payments = new AtomicInteger();
        List<String> order = new CopyOnWriteArrayList<>(); // "lost": a booking returned false; "paid": the payment ended
        List<Generator.Body<Scheduler.Call, Object, ?>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(y -> {
                boolean got = one.book(() -> {
                    payments.incrementAndGet();
                    Scheduler.sleep(Duration.ofMillis(30));
                    order.add("paid");
                    return true;
                });
                if (!got) order.add("lost");
                return booked.add(got);
            });
        }
        onScheduler("3 tasks booking the only seat, each paying for 30 ms", tasks);
        long sold = booked.stream().filter(b -> b).count();
        if (sold != 1 || one.free() != 0) {
            throw new AssertionError("1 seat, 3 tasks on one scheduler, each payment waiting 30 ms: " + sold + " bookings"
                    + " succeeded and free() is " + one.free() + " (expected 1 and 0). A task checked the seat while"
                    + " another was paying for it: the payment yields, and the other tasks run there. Take the seat"
                    + " before the payment, not after.");
        }
        if (payments.get() != 1) {
            throw new AssertionError("1 seat, 3 tasks: the seat was sold once, but " + payments.get() + " payments"
                    + " were made: a task that does not get the seat must not pay for it. Take the seat before the"
                    + " payment, so that the others see none free.");
        }
        // All 3 tasks are ready when the scheduler starts: the 2 that find the seat held run before the 30 ms are up.
        if (order.lastIndexOf("lost") > order.indexOf("paid")) {
            throw new AssertionError("1 seat, 3 tasks, the winner's payment waiting 30 ms: in order, " + order + " (\"lost\":"
                    + " a booking returned false, \"paid\": the winner's payment ended). A task that found the seat held"
                    + " waited for that payment to end before it returned false. With no seat free, book returns false"
                    + " at once: it must not wait for a held seat's payment, even though the seat may come back.");
        }
        // 5 seats, 20 tasks whose payments pause a different number of times.
        TaskSeats five = new TaskSeats(5);
        List<Boolean> booked5 = new CopyOnWriteArrayList<>();
        tasks.clear();
        for (int i = 0; i < 20; i++) {
            int pauses = i % 4;
            tasks.add(y -> booked5.add(five.book(() -> {
                for (int p = 0; p < pauses; p++) Scheduler.pause();
                return true;
            })));
        }
        onScheduler("20 tasks booking 5 seats", tasks);
        long sold5 = booked5.stream().filter(b -> b).count();
        if (sold5 != 5 || five.free() != 0) {
            throw new AssertionError("5 seats, 20 tasks on one scheduler whose payments pause 0 to 3 times: " + sold5
                    + " bookings succeeded and free() is " + five.free() + " (expected 5 and 0).");
        }
        tasksLoseAtOnce();
    }

    /**
     * Two TaskSeats of 1 and 2 seats on one scheduler: task A holds the first's seat while its payment pauses, and
     * task B books the second meanwhile. Each counts its own seats, held and sold: one scheduler has one thread, but
     * its tasks may book in many theatres, and a count (or a count of held seats) in a static field is one for them
     * all. A holds its seat while B books, so a shared count of held seats shows too, not only a shared count of sold
     * ones. (A step of tasks-hold-seat.)
     */
    static void tasksTwoTheatres() {
        TaskSeats small = new TaskSeats(1), big = new TaskSeats(2);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean bReturned = new AtomicBoolean();
        onScheduler("2 theatres on one scheduler, task A paying in the first while task B books the second", List.of(y -> {
            boolean got = small.book(() -> {
                for (int i = 0; i < TURNS && !bReturned.get(); i++) Scheduler.pause(); // holds the seat until B has returned
                return true;
            });
            seen.add("A booked " + got + ": free " + small.free() + " and " + big.free());
            return got;
        }, y -> {
            boolean got = big.book(() -> {
                seen.add("B pays while A pays: free " + small.free() + " and " + big.free());
                return true;
            });
            seen.add("B booked " + got + ": free " + small.free() + " and " + big.free());
            bReturned.set(true);
            return got;
        }));
        List<String> expected = List.of("B pays while A pays: free 0 and 1", "B booked true: free 0 and 1",
                "A booked true: free 0 and 1");
        if (!seen.equals(expected)) {
            throw new AssertionError("On one scheduler, new TaskSeats(1) and new TaskSeats(2): task A booked the first,"
                    + " its payment pausing until task B had booked the second (the free() of each theatre, in order:"
                    + " expected " + expected + ", got " + seen + "). Each TaskSeats counts its own seats, held and"
                    + " sold: one scheduler has one thread, but its tasks may book in many theatres. Keep the count,"
                    + " and anything else a booking changes, in instance fields, not in static ones that every"
                    + " TaskSeats shares.");
        }
    }

    /** How many turns a task of tasksLoseAtOnce takes at most: far more than a correct run needs (1 or 2). */
    static final int TURNS = 1000;

    /**
     * 1 seat, held by task A while its payment pauses; task B books while it is held, and task C logs each turn it
     * gets until B's booking has returned. All three run on one thread, and a task runs alone until it yields: C runs
     * inside B's booking only if that booking yields (a pause, a sleep, however short: a wait for the held seat).
     * Counting turns needs no timing, so a booking that looks again after one pause is caught as surely as one that
     * waits for the payment to end. (A step of tasks-hold-seat.)
     */
    static void tasksLoseAtOnce() {
        TaskSeats one = new TaskSeats(1);
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicBoolean bReturned = new AtomicBoolean();
        onScheduler("1 seat held by task A while task B books and task C takes turns", List.of(y -> one.book(() -> {
            for (int i = 0; i < TURNS && !bReturned.get(); i++) Scheduler.pause(); // holds the seat until B has returned
            return true;
        }), y -> {
            log.add("B books");
            boolean got = one.book(() -> { log.add("B pays"); return true; });
            log.add("B returned " + got);
            bReturned.set(true);
            return got;
        }, y -> {
            for (int i = 0; i < TURNS && !bReturned.get(); i++) {
                log.add("C ran");
                Scheduler.pause();
            }
            return null;
        }));
        long turns = log.stream().filter("C ran"::equals).count();
        if (!log.equals(List.of("B books", "B returned false"))) {
            throw new AssertionError("On the scheduler, 1 seat, held by task A while its payment pauses: task B booked"
                    + " it, and task C logged each turn it got until B's booking returned: " + log + ". "
                    + (turns > 0 ? "Task C ran " + turns + " time(s) inside B's booking: the booking yielded (a pause"
                    + " or a sleep) to give the held seat a chance to come back. With no seat free, book returns false"
                    + " at once: it must not yield, not even once, and not wait for the payment to end."
                    : "Expected [B books, B returned false]: with no seat free, book returns false at once, and B"
                    + " pays nothing."));
        }
    }

    @Test
    @Property("tasks-pay-together")
    void tasksPayTogether() {
        TaskSeats seats = new TaskSeats(2);
        List<String> log = new CopyOnWriteArrayList<>();
        List<Boolean> booked = new CopyOnWriteArrayList<>();
        List<Generator.Body<Scheduler.Call, Object, ?>> tasks = new ArrayList<>();
        for (String who : List.of("A", "B")) {
            tasks.add(y -> booked.add(seats.book(() -> {
                log.add(who + " pays");
                Scheduler.sleep(Duration.ofMillis(50));
                log.add(who + " paid");
                return true;
            })));
        }
        onScheduler("2 tasks booking 2 seats, each paying for 50 ms", tasks);
        if (!booked.equals(List.of(true, true))) {
            throw new AssertionError("2 seats, 2 tasks: the bookings returned " + booked + ", expected [true, true].");
        }
        if (log.indexOf("B pays") > log.indexOf("A paid")) {
            throw new AssertionError("2 seats, tasks A and B each paying for 50 ms: the payments ran one after the"
                    + " other, " + log + ": B's booking waited for A's payment to end. On one thread a task runs"
                    + " alone until it yields: it needs no lock, and must not wait for the other tasks.");
        }
    }

    @Test
    @Property("tasks-refund")
    void tasksRefund() {
        TaskSeats seats = new TaskSeats(1);
        List<String> steps = new CopyOnWriteArrayList<>();
        IOException declined = new IOException("card declined");
        AtomicInteger paidForNothing = new AtomicInteger();
        onScheduler("one task booking five times", List.of(y -> {
            refundSteps(seats::book, seats::free, steps, declined, paidForNothing, () -> { Scheduler.sleep(Duration.ofMillis(1)); return null; });
            return null;
        }));
        expectRefundSteps("On the scheduler", steps, paidForNothing);

        // A task cancelled while it pays: its generator is closed, and GeneratorExit (an Error) is thrown at the yield.
        TaskSeats held = new TaskSeats(1);
        AtomicReference<Scheduler.Task> payer = new AtomicReference<>();
        AtomicInteger freeWhilePaying = new AtomicInteger(-1);
        onScheduler("a task cancelled while it pays", List.of(y -> {
            payer.set(Scheduler.current());
            return held.book(() -> { Scheduler.sleep(Duration.ofSeconds(1)); return true; });
        }, y -> {
            Scheduler.sleep(Duration.ofMillis(10));
            freeWhilePaying.set(held.free());
            payer.get().cancel();
            return null;
        }));
        if (freeWhilePaying.get() != 0 || held.free() != 1) {
            throw new AssertionError("On the scheduler, 1 seat: task A booked it with a payment that waits 1 s, and task"
                    + " B cancelled A after 10 ms. free() was " + freeWhilePaying.get() + " while A paid (expected 0)"
                    + " and is " + held.free() + " after A was cancelled (expected 1). Cancelling a task closes its"
                    + " generator: a GeneratorExit, an Error and not an Exception, is thrown at the yield where it"
                    + " waits, inside the payment. The seat it held must be freed then too: a finally block runs,"
                    + " a catch (Exception e) does not.");
        }
        tasksRefundOwnPayment();
    }

    /**
     * 2 seats: task A's payment pauses until task B's booking, whose payment goes through, has returned, then throws.
     * A's seat is freed: whether a booking's payment went through is that booking's own, and B's must not decide A's
     * refund (as a field that every booking sets would: B sets it while A's payment waits). (A step of tasks-refund.)
     */
    static void tasksRefundOwnPayment() {
        TaskSeats seats = new TaskSeats(2);
        IOException declined = new IOException("card declined");
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean bReturned = new AtomicBoolean();
        onScheduler("2 tasks booking 2 seats, A's payment failing after B's went through", List.of(y -> {
            try {
                seen.add("A returned " + seats.book(() -> {
                    for (int i = 0; i < TURNS && !bReturned.get(); i++) Scheduler.pause(); // fails once B has returned
                    throw declined;
                }));
            } catch (IOException e) {
                seen.add(e == declined ? "A threw it" : "A threw " + e + " instead of the payment's exception");
            }
            return null;
        }, y -> {
            seen.add("B returned " + seats.book(() -> true));
            bReturned.set(true);
            return null;
        }));
        List<String> expected = List.of("B returned true", "A threw it");
        if (!seen.equals(expected) || seats.free() != 1) {
            throw new AssertionError("On the scheduler, 2 seats: task A booked one with a payment that pauses, task B"
                    + " booked the other with a payment that went through at once, and then A's payment threw an"
                    + " IOException. Expected " + expected + " and free() 1 (A's seat freed), got " + seen + " and free() "
                    + seats.free() + ". Whether a payment went through belongs to its own booking: B's payment ran while"
                    + " A's waited, and must not decide A's refund. Keep it in a local variable of book (each call has"
                    + " its own), not in a field that every booking sets.");
        }
    }

    // ---------------------------------------------------------------- threads

    @Test
    @Property("threads-hold-seat")
    void threadsHoldSeat() throws Exception {
        twoTheatres();
        ThreadSeats seats = new ThreadSeats(1);
        CountDownLatch paying = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicInteger bPaid = new AtomicInteger();
        Waiting a = Waiting.start("thread A's booking", () -> seats.book(() -> {
            paying.countDown();
            return release.await(3 * LIMIT.toSeconds(), TimeUnit.SECONDS);
        }));
        try {
            awaitPaying(a, paying, "1 seat");
            AtomicLong bWaits = new AtomicLong(-1), bCpu = new AtomicLong(-1);
            Waiting b = Waiting.start("thread B's booking", () -> {
                // how many waits (a wait, a park, a sleep, timed or not) B's own thread begins inside book: none;
                // and the CPU time it uses there, which a spin or a yield loop (no wait at all) burns
                long before = Waiting.waitedCount(Thread.currentThread()), cpuBefore = CPU.getCurrentThreadCpuTime();
                Object r = seats.book(() -> {
                    bPaid.incrementAndGet();
                    return true;
                });
                bCpu.set(CPU.getCurrentThreadCpuTime() - cpuBefore);
                bWaits.set(Waiting.waitedCount(Thread.currentThread()) - before);
                return r;
            });
            b.thread().join(LIMIT); // with no seat free, it returns false at once, while A still pays
            String bWaited = b.done() ? null : Hang.doing(b.thread()).replaceFirst("^is ", "was still ");
            release.countDown();
            Object rb = b.returns(LIMIT), ra = a.returns(LIMIT);
            if (!Boolean.TRUE.equals(ra)) {
                throw new AssertionError("1 seat: thread A paid for it and its booking returned " + ra + ", not true.");
            }
            if (Boolean.TRUE.equals(rb) || bPaid.get() > 0) {
                throw new AssertionError("1 seat: while thread A was paying for it, thread B's booking "
                        + (bPaid.get() > 0 ? "paid" : "did not pay") + " and returned " + rb + "; free() is now "
                        + seats.free() + ". The seat was free for B although A held it: take the seat before the"
                        + " payment, and let a thread that finds none free return false without paying.");
            }
            if (seats.free() != 0) throw new AssertionError("1 seat, sold to thread A: free() is " + seats.free() + ", not 0.");
            if (bWaited == null && bWaits.get() > 0) {
                throw new AssertionError("1 seat, held by thread A while its payment waits: thread B's booking returned "
                        + rb + ", but first its thread began " + bWaits.get() + " wait(s) (a wait, park or sleep, with a"
                        + " time limit or not) inside book: it waited for the held seat. With no seat free, book returns"
                        + " false at once, without waiting, however briefly, for a payment to end.");
            }
            if (bWaited == null && bCpu.get() > MOST_CPU.toNanos()) {
                throw new AssertionError("1 seat, held by thread A while its payment waits: thread B's booking returned "
                        + rb + ", but first its thread used " + bCpu.get() / 1_000_000 + " ms of CPU inside book (at most "
                        + MOST_CPU.toMillis() + " allowed; a booking that finds no seat free needs well under 1): it"
                        + " spun (or yielded) while it waited for the held seat. With no seat free, book returns false"
                        + " at once, without waiting, however briefly, for a payment to end.");
            }
            if (bWaited != null) {
                throw new AssertionError("1 seat, held by thread A while its payment waits: thread B's booking had not"
                        + " returned after " + LIMIT.toSeconds() + " s: it " + bWaited + ". It returned " + rb + " once"
                        + " A's payment ended. With no seat free, book returns false at once: it must not wait for a"
                        + " held seat's payment (nor for a lock held while a payment waits).");
            }
        } finally {
            release.countDown();
        }
        threadsLoseAtOnce();
    }

    /**
     * 1 seat, held by thread A while its payment waits, and thread B's booking, on a copy of the solution's classes
     * that counts what B's booking looks at ({@link Looks}). Nothing changes while B books, so one look settles it: a
     * booking that looks at the same place 3 times, or calls Thread.yield() or Thread.onSpinWait(), is retrying, however
     * few times or briefly (B's waits and CPU time, checked above, do not see 20 quick looks). Counting needs no
     * timing. (A step of threads-hold-seat.)
     */
    static void threadsLoseAtOnce() throws Exception {
        Looks looks = new Looks();
        Object seats;
        java.lang.reflect.Method book;
        try {
            var make = looks.copy.copyOf(ThreadSeats.class.getName()).getDeclaredConstructor(int.class);
            make.setAccessible(true);
            seats = make.newInstance(1);
            book = looks.copy.method(ThreadSeats.class.getName(), "book", Callable.class);
        } catch (LinkageError | ReflectiveOperationException e) {
            return; // no copy to count on (this never happens to a solution that compiles): the steps above decide
        }
        CountDownLatch paying = new CountDownLatch(1), release = new CountDownLatch(1);
        Waiting a = Waiting.start("thread A's booking", () -> InstrumentedCopy.invoke(book, seats, (Callable<Boolean>) () -> {
            paying.countDown();
            return release.await(3 * LIMIT.toSeconds(), TimeUnit.SECONDS);
        }));
        Object rb = null;
        String again = null;
        try {
            awaitPaying(a, paying, "1 seat");
            // B books 3 times: a retry bounded by time (2 ms, say) may give up after one look, once in a while, when
            // its thread loses the processor between the clock's reading and the look
            for (int i = 0; i < 3 && again == null; i++) {
                rb = Waiting.start("thread B's booking", () -> looks.counting(() -> InstrumentedCopy.invoke(book, seats,
                        (Callable<Boolean>) () -> true))).returns(LIMIT);
                again = looks.again();
            }
        } finally {
            release.countDown();
        }
        a.returns(LIMIT);
        if (again != null) {
            throw new AssertionError("1 seat, held by thread A while its payment waits: thread B's booking returned " + rb
                    + ", but before it did, " + again + ". Nothing changed while B booked: one look at the count settles it."
                    + " With no seat free, book returns false at once: it must not look again, not even a few times"
                    + " or for a moment, in the hope that the held seat comes back.");
        }
    }

    @Test
    @Property("threads-pay-together")
    void threadsPayTogether() throws Exception {
        ThreadSeats seats = new ThreadSeats(2);
        CountDownLatch paying = new CountDownLatch(1), release = new CountDownLatch(1);
        Waiting a = Waiting.start("thread A's booking", () -> seats.book(() -> {
            paying.countDown();
            return release.await(3 * LIMIT.toSeconds(), TimeUnit.SECONDS);
        }));
        try {
            awaitPaying(a, paying, "2 seats");
            Waiting b = Waiting.start("thread B's booking", () -> seats.book(() -> true));
            b.thread().join(LIMIT);
            if (!b.done()) {
                throw new AssertionError("2 seats: thread A's payment waits, and thread B's booking (paid at once) has"
                        + " not returned after " + LIMIT.toSeconds() + " s: it " + Hang.doing(b.thread()).replaceFirst("^is ", "is still ")
                        + ". Hold a lock only to take the seat, never while a payment waits.");
            }
            Object rb = b.returns(LIMIT);
            if (!Boolean.TRUE.equals(rb)) {
                throw new AssertionError("2 seats, thread A holding one while it pays: thread B's booking returned " + rb
                        + ", not true.");
            }
        } finally {
            release.countDown();
        }
        a.returns(LIMIT);
    }

    @Test
    @Property("threads-linearizable")
    void threadsLinearizable() throws Exception {
        ThreadSeats smoke = new ThreadSeats(1); // the unwritten stub fails here, as "not done", not inside Lincheck
        smoke.book(() -> true);
        smoke.free();
        // Bookings that pay at once, and free(), on 2 seats: the scenarios two mistakes need, then random ones.
        Actor book = actor(Spec.class, "book"), free = actor(Spec.class, "free");
        modelCheck(Spec.class, 10, "2 seats; book()'s payment goes through at once", new ModelCheckingOptions()
                .addCustomScenario(scenario(List.of(book), List.of(book), List.of(book), List.of(free))) // the last seat
                .addCustomScenario(scenario(List.of(book, book), List.of(book), List.of(free), List.of()))); // none left
        // Refunds racing a booking or each other. Only chosen scenarios: a seat is held while its payment runs, and
        // another thread may see that (a correct class too), so no booking here may ever find both seats held.
        Actor paid = actor(RefundSpec.class, "book"), refused = actor(RefundSpec.class, "bookRefused"),
                failing = actor(RefundSpec.class, "bookFailing"), after = actor(RefundSpec.class, "free");
        modelCheck(RefundSpec.class, 0, "2 seats; book()'s payment goes through, bookRefused()'s is refused,"
                + " bookFailing()'s throws: it returns true when book threw that", new ModelCheckingOptions()
                .addCustomScenario(scenario(List.of(), List.of(refused), List.of(failing), List.of(after)))
                .addCustomScenario(scenario(List.of(), List.of(refused), List.of(paid), List.of(after)))
                .addCustomScenario(scenario(List.of(), List.of(paid), List.of(failing, refused), List.of(after))));
    }

    /**
     * What Lincheck calls, on 2 seats: bookings paid at once, and free(). Every concurrent run must give results that
     * some one-at-a-time order of the same calls gives: the last seat is sold once, and free() never shows a count
     * that no such order has.
     */
    public static class Spec {
        private final ThreadSeats seats = new ThreadSeats(2);

        @Operation
        public boolean book() throws Exception {
            return seats.book(() -> true);
        }

        @Operation
        public int free() {
            return seats.free();
        }
    }

    /** A payment failure made once: Lincheck runs the operations thousands of times. */
    static final IOException DECLINED = new IOException("card declined");

    /** What Lincheck calls in the refund scenarios, on 2 seats: bookings paid, refused or failing, then free(). */
    public static class RefundSpec {
        private final ThreadSeats seats = new ThreadSeats(2);

        @Operation
        public boolean book() throws Exception {
            return seats.book(() -> true);
        }

        @Operation
        public boolean bookRefused() throws Exception {
            return seats.book(() -> false);
        }

        @Operation
        public boolean bookFailing() throws Exception {
            try {
                seats.book(() -> { throw DECLINED; });
                return false;
            } catch (IOException e) {
                return e == DECLINED;
            }
        }

        @Operation
        public int free() {
            return seats.free();
        }
    }

    /**
     * free() is called from other threads than the ones that book: unless it reads the count under the lock that
     * guards it, it may see a stale value (JLS 17.4: no happens-before edge), and Lincheck, which runs the calls
     * one step at a time, does not see that. So this reads free()'s bytecode (the one a ThreadSeats runs: its own,
     * or one it inherits), and that of the ThreadSeats methods it calls (super calls too): it passes if every field
     * they read is of a java.util.concurrent type, or volatile or final and holds neither an array nor a java.util
     * collection (whose contents such a field does not publish), and none is read in plain mode (a VarHandle's get,
     * an atomic's getPlain: as plain as a plain field's read), or if they take
     * the lock book() takes: the monitor of the same object (this, the class, or the same field; a monitor of an
     * object the bytecode does not name, such as a local variable, is given the benefit of the doubt); a lock or a
     * semaphore in a field that book() uses too; or a Lock that a lock of book()'s excludes (while a thread holds
     * book()'s, another cannot take free()'s: the read lock of a ReadWriteLock whose write lock book() takes, kept
     * in fields of their own).
     */
    @Test
    @Property("threads-free-visible")
    void threadsFreeVisible() throws Exception {
        new ThreadSeats(1).free(); // the unwritten stub fails here, as "not done"
        bookReadsLocked();
        java.util.Set<String> plain = new java.util.TreeSet<>();
        ReadCheck.Locks read = ReadCheck.locks(ThreadSeats.class, "free", "()I", plain);
        ReadCheck.dropGuardedDelegates(ThreadSeats.class, "free", "()I", plain);
        if (plain.isEmpty()) return;
        ReadCheck.Locks booking = ReadCheck.locksOfMethodsNamed(ThreadSeats.class, "book");
        if (read.sameMonitorAs(booking)) return;
        if (!read.lockFields().isEmpty() && booking.lockFields().containsAll(read.lockFields())) return;
        if (!read.lockFields().isEmpty() && ReadCheck.excluded(read.lockFields(), booking.lockFields())) return;
        if (read.monitor() || !read.lockFields().isEmpty()) {
            throw new AssertionError("free() reads " + String.join(", ", plain) + " under another lock than book() changes"
                    + " it under (free(): " + read.describe() + "; book(): " + booking.describe() + "): nothing orders"
                    + " free()'s read after a booking's write (JLS 17.4), so a thread calling free() may see a stale count."
                    + " Read it under the same lock as book() changes it, or keep it in a volatile field or an atomic.");
        }
        boolean modes = plain.stream().anyMatch(p -> p.contains(" (with "));
        throw new AssertionError("free() reads " + String.join(", ", plain) + " with no lock held, and "
                + (modes ? "a VarHandle's get or an atomic's getPlain reads in plain mode, as if the field were not"
                        + " volatile"
                        : "no such field is volatile (a final array, collection or object of your own classes publishes"
                        + " itself, not later changes to what it holds)")
                + ": a thread calling free() may see a count that is stale, however long ago a booking changed it (JLS"
                + " 17.4: nothing orders that read after the booking's write). free() is called from other threads:"
                + " read the count under the same lock as book() (a synchronized free()), or keep it in a volatile"
                + " field or an atomic (AtomicInteger)" + (modes ? ", or read it with the VarHandle's getVolatile or"
                + " getAcquire" : "") + ".");
    }

    /**
     * book() too reads the count with a lock held, or from a volatile field: a quick look at the count before taking
     * the lock ({@code if (free == 0) return false;}) is a plain read that nothing orders after a refund's write on
     * another thread. On a copy of the solution's classes that notes each read of a plain field or a primitive array's
     * element and whether the reading thread held a lock ({@link UnlockedReads}), thread A books the only seat of a
     * new ThreadSeats(1) and thread B then books the sold-out theatre: a place that a booking changed and that either
     * read with no lock held fails. Deterministic: no timing. (A step of threads-free-visible.)
     */
    static void bookReadsLocked() throws Exception {
        InstrumentedCopy copy = UnlockedReads.copy("seats-reads", ThreadSeats.class.getClassLoader());
        Object seats;
        java.lang.reflect.Method book;
        try {
            var make = copy.copyOf(ThreadSeats.class.getName()).getDeclaredConstructor(int.class);
            make.setAccessible(true);
            seats = make.newInstance(1);
            book = copy.method(ThreadSeats.class.getName(), "book", Callable.class);
        } catch (LinkageError | ReflectiveOperationException e) {
            return; // no copy to look at (this never happens to a solution that compiles): the bytecode check decides
        }
        UnlockedReads.Watch watch = new UnlockedReads.Watch(copy, seats);
        watch.step("thread A's booking", LIMIT, () -> InstrumentedCopy.invoke(book, seats, (Callable<Boolean>) () -> true));
        watch.step("thread B's booking of the sold-out theatre", LIMIT,
                () -> InstrumentedCopy.invoke(book, seats, (Callable<Boolean>) () -> true));
        String unlocked = watch.unlocked();
        if (unlocked != null) {
            throw new AssertionError("new ThreadSeats(1), thread A books the seat, then thread B books: " + unlocked
                    + ", and a booking changes it. A read that no lock orders after another thread's write may return a"
                    + " stale value, however long ago the write was (JLS 17.4): a quick look at a sold-out count may"
                    + " refuse a seat that a refund freed, and the JIT may hoist such a read out of a caller's retry loop."
                    + " Read the count in book() under the lock it is changed under, or keep it in a volatile field or an"
                    + " atomic.");
        }
    }

    /**
     * Two ThreadSeats at once, of 1 and 2 seats: a booking of the first leaves the second's count as it was. A count
     * in a static field is one for every theatre, and the last one made sets it. (A step of threads-hold-seat.)
     */
    static void twoTheatres() throws Exception {
        ThreadSeats small = new ThreadSeats(1), big = new ThreadSeats(2);
        boolean booked = small.book(() -> true);
        int left = small.free(), other = big.free();
        if (!booked || left != 0 || other != 2) {
            throw new AssertionError("new ThreadSeats(1) and new ThreadSeats(2), then a paid booking of the first: it "
                    + (booked ? "returned true" : "returned false") + ", the first's free() gave " + left + " (expected 0)"
                    + " and the second's " + other + " (expected 2). Each ThreadSeats counts its own seats: keep the count"
                    + " in an instance field, not a static one that every ThreadSeats shares.");
        }
    }

    /**
     * Copies of the solution's classes ({@link InstrumentedCopy}) in which each field read, each call on a
     * java.util.concurrent object or a VarHandle, and each Thread.yield() or Thread.onSpinWait() first calls
     * {@link #look} with its place. The copies do what the solution does; only the thread inside {@link #counting} is
     * counted. A subclass put in a field cannot count this: the JDK's atomics' methods are final, and a plain field
     * has no methods.
     */
    public static final class Looks {
        private static final ThreadLocal<Looks> COUNTING = new ThreadLocal<>();
        private static final java.lang.constant.ClassDesc SELF = java.lang.constant.ClassDesc.of(Looks.class.getName());
        private static final java.lang.constant.MethodTypeDesc LOOK = java.lang.constant.MethodTypeDesc.of(
                java.lang.constant.ConstantDescs.CD_void, java.lang.constant.ConstantDescs.CD_int);
        private final List<String> places = new CopyOnWriteArrayList<>(); // in words, by number
        private final java.util.Map<Integer, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
        /** The counting copies. */
        final InstrumentedCopy copy = new InstrumentedCopy("seats-looks", ThreadSeats.class.getClassLoader(), (cls, m) -> {
            String in = cls.thisClass().asSymbol().displayName() + "." + m.methodName().stringValue();
            return (code, e) -> {
                String what = what(e);
                if (what != null) {
                    code.loadConstant(number(in + ": " + what));
                    code.invokestatic(SELF, "look", LOOK);
                }
                code.with(e);
            };
        });

        /** Called by the copies before each place: counts it once more when the calling thread is counting. */
        public static void look(int place) {
            Looks looks = COUNTING.get();
            if (looks != null) looks.counts.merge(place, 1, Integer::sum);
        }

        /** Runs {@code call} on this thread, counting the places of the copies it passes (from 0). */
        Object counting(Waiting.Call call) throws Exception {
            counts.clear();
            COUNTING.set(this);
            try {
                return call.call();
            } finally {
                COUNTING.remove();
            }
        }

        /**
         * What the counted call did that a single look does not, in words: the place it passed most often when more
         * than twice (twice: a helper that reads the count, called twice), and each yield or spin-wait; null if nothing.
         */
        String again() {
            List<String> found = new ArrayList<>();
            int most = -1;
            for (var e : counts.entrySet()) {
                String place = places.get(e.getKey());
                if (place.endsWith("Thread.yield") || place.endsWith("Thread.onSpinWait")) {
                    found.add(place + " " + e.getValue() + " time(s)");
                } else if (e.getValue() > 2 && (most < 0 || e.getValue() > counts.get(most))) {
                    most = e.getKey();
                }
            }
            if (most >= 0) found.addFirst(places.get(most) + " " + counts.get(most) + " times");
            return found.isEmpty() ? null : String.join(", and ", found).replace(": ", " ");
        }

        private synchronized int number(String place) {
            places.add(place);
            return places.size() - 1;
        }

        /** What {@code e} looks at, in words; null when it is not a place that is counted. */
        private static String what(java.lang.classfile.CodeElement e) {
            if (e instanceof java.lang.classfile.instruction.FieldInstruction f
                    && (f.opcode() == java.lang.classfile.Opcode.GETFIELD || f.opcode() == java.lang.classfile.Opcode.GETSTATIC)) {
                return "read the field " + f.name().stringValue();
            }
            if (!(e instanceof java.lang.classfile.instruction.InvokeInstruction i)) return null;
            String owner = i.owner().asInternalName(), name = i.name().stringValue();
            String simple = owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.');
            if (owner.startsWith("java/util/concurrent/") || owner.equals("java/lang/invoke/VarHandle")) {
                return "called " + simple + "." + name;
            }
            if (owner.equals("java/lang/Thread") && (name.equals("yield") || name.equals("onSpinWait"))) {
                return "called Thread." + name;
            }
            return null;
        }
    }

    /** Reads a method's bytecode (java.lang.classfile) for threadsFreeVisible. */
    static final class ReadCheck {
        /**
         * The locks a method takes, as far as its bytecode tells: the monitors it enters (by what they are: THIS,
         * CLASS, a field's name, or UNKNOWN for an object the bytecode does not name), and the fields of a
         * java.util.concurrent.locks type it reads, in a method that calls a java.util.concurrent.locks method (the
         * lock it locks, or the ReadWriteLock it takes one from).
         */
        record Locks(java.util.Set<String> monitors, java.util.Set<String> lockFields) {
            static final String THIS = "this", CLASS = "the class", UNKNOWN = "an object computed in the method";

            boolean monitor() {
                return !monitors.isEmpty();
            }

            /** Whether both enter a monitor of the same object, or one enters one the bytecode cannot name (given the benefit of the doubt). */
            boolean sameMonitorAs(Locks other) {
                if (!monitor() || !other.monitor()) return false;
                if (monitors.contains(UNKNOWN) || other.monitors.contains(UNKNOWN)) return true;
                return monitors.stream().anyMatch(other.monitors::contains);
            }

            String describe() {
                if (!monitor() && lockFields.isEmpty()) return "no lock";
                String m = monitors.stream().map(o -> o.equals(THIS) || o.equals(CLASS) || o.equals(UNKNOWN) ? o : "field " + o)
                        .collect(java.util.stream.Collectors.joining(", ", "the monitor of ", ""));
                return (monitor() ? m : "") + (monitor() && !lockFields.isEmpty() ? " and " : "")
                        + (lockFields.isEmpty() ? "" : "the lock in " + String.join(", ", lockFields));
            }
        }

        /** The locks of every method named {@code name} that a {@code cls} has, and of the methods they call. */
        static Locks locksOfMethodsNamed(Class<?> cls, String name) throws Exception {
            return locksOf(cls, named(cls, name), new java.util.TreeSet<>());
        }

        /** The locks of the methods {@code nameTypes} of {@code cls}, together; adds to {@code plain} as {@link #locks}. */
        static Locks locksOf(Class<?> cls, java.util.Set<String> nameTypes, java.util.Set<String> plain) throws Exception {
            java.util.Set<String> monitors = new java.util.TreeSet<>();
            java.util.Set<String> fields = new java.util.TreeSet<>();
            for (String m : nameTypes) {
                int paren = m.indexOf('(');
                Locks l = locks(cls, m.substring(0, paren), m.substring(paren), plain);
                monitors.addAll(l.monitors());
                fields.addAll(l.lockFields());
            }
            return new Locks(monitors, fields);
        }

        /**
         * The locks {@code name}{@code type} of {@code cls} takes, with the methods of cls (its own, or those it
         * inherits from a superclass of the solution's, {@code super} calls too) it calls; adds to {@code plain} each
         * field they read whose reads need a lock (see {@link #needsLock}), and each read in plain mode (see
         * {@link #plainModeRead}).
         */
        static Locks locks(Class<?> cls, String name, String type, java.util.Set<String> plain) throws Exception {
            java.util.Set<String> monitors = new java.util.TreeSet<>();
            boolean lockCalls = false;
            java.util.Set<String> lockFields = new java.util.TreeSet<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.ArrayDeque<Declared> todo = new java.util.ArrayDeque<>();
            Declared start = resolve(cls, name + type);
            if (start != null) todo.push(start);
            while (!todo.isEmpty()) {
                Declared next = todo.pop();
                if (!seen.add(next.key())) continue;
                var m = next.method();
                boolean isStatic = m.flags().has(java.lang.reflect.AccessFlag.STATIC);
                if (m.flags().has(java.lang.reflect.AccessFlag.SYNCHRONIZED)) monitors.add(isStatic ? Locks.CLASS : Locks.THIS);
                if (m.code().isEmpty()) continue;
                java.util.List<java.lang.classfile.Instruction> before = new java.util.ArrayList<>();
                // the last VarHandle and atomic fields read: what a call on a VarHandle or an atomic reads
                java.lang.reflect.Field handle = null, atomic = null;
                for (var e : m.code().get()) {
                    if (!(e instanceof java.lang.classfile.Instruction instruction)) continue;
                    if (instruction.opcode() == java.lang.classfile.Opcode.MONITORENTER) monitors.add(monitorOf(before, isStatic));
                    before.add(instruction);
                    if (e instanceof java.lang.classfile.instruction.InvokeInstruction i) {
                        String owner = i.owner().asInternalName();
                        if (owner.startsWith("java/util/concurrent/locks/") || owner.equals("java/util/concurrent/Semaphore")) lockCalls = true;
                        if (within(cls, owner)) {
                            Declared called = target(cls, i);
                            if (called != null) todo.push(called);
                        }
                        String read = plainModeRead(cls, i, handle, atomic);
                        if (read != null) plain.add(read);
                    }
                    if (e instanceof java.lang.classfile.instruction.FieldInstruction f
                            && (f.opcode() == java.lang.classfile.Opcode.GETFIELD
                                || f.opcode() == java.lang.classfile.Opcode.GETSTATIC)) {
                        java.lang.reflect.Field field = field(cls, f.owner().asInternalName(), f.name().stringValue());
                        if (field == null) continue; // a field of the JDK's or a library's: not the learner's state
                        if (field.getType() == java.lang.invoke.VarHandle.class) handle = field;
                        if (field.getType().getPackageName().equals("java.util.concurrent.atomic")) atomic = field;
                        if (field.getType().getPackageName().equals("java.util.concurrent.locks")
                                || field.getType() == java.util.concurrent.Semaphore.class) lockFields.add(field.getName());
                        if (needsLock(field)) plain.add(field.getType().getSimpleName() + " " + field.getName());
                    }
                }
            }
            return new Locks(monitors, lockCalls ? lockFields : java.util.Set.of());
        }

        /**
         * What {@code i} reads in plain mode, as a plain field read is (JLS 17.4: no happens-before edge with the
         * writes, whatever the field's modifiers): a VarHandle's get (of the field the VarHandle read last, {@code
         * handle}, names) or an atomic's getPlain ({@code atomic}'s); null for any other call. A VarHandle's
         * getVolatile, getAcquire and getOpaque are ordered reads.
         */
        static String plainModeRead(Class<?> cls, java.lang.classfile.instruction.InvokeInstruction i,
                                    java.lang.reflect.Field handle, java.lang.reflect.Field atomic) {
            String owner = i.owner().asInternalName(), name = i.name().stringValue();
            if (owner.startsWith("java/util/concurrent/atomic/") && name.equals("getPlain")) {
                return (atomic == null ? "an atomic" : atomic.getType().getSimpleName() + " " + atomic.getName())
                        + " (with getPlain)";
            }
            if (!owner.equals("java/lang/invoke/VarHandle") || !name.equals("get")) return null;
            java.lang.reflect.Field target = handled(cls, handle);
            if (target != null && java.lang.reflect.Modifier.isFinal(target.getModifiers()) && !needsLock(target)) return null;
            return (target == null ? "a variable" : target.getType().getSimpleName() + " " + target.getName())
                    + " (with VarHandle.get)";
        }

        /** The field that the VarHandle in the static field {@code handle} reads and writes; null if it names none. */
        static java.lang.reflect.Field handled(Class<?> cls, java.lang.reflect.Field handle) {
            if (handle == null || !java.lang.reflect.Modifier.isStatic(handle.getModifiers())) return null;
            try {
                handle.setAccessible(true);
                if (!(handle.get(null) instanceof java.lang.invoke.VarHandle vh)) return null;
                // a field's VarHandle describes itself by the field's name, its class and its type
                var desc = vh.describeConstable().orElse(null);
                if (desc == null || desc.bootstrapArgsList().size() < 2
                        || !(desc.bootstrapArgsList().getFirst() instanceof java.lang.constant.ClassDesc owner)
                        || !owner.isClassOrInterface()) return null;
                String d = owner.descriptorString();
                return field(cls, d.substring(1, d.length() - 1), desc.constantName());
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        /**
         * Drops from {@code plain} each final field of {@code cls} that holds an object of the solution's own class T
         * through which {@code name}{@code type} only calls T's methods, each of them either reading no field of T
         * that needs a lock (and calling no other class of the solution's) or taking a lock that the methods of T
         * that book() calls take too (JCiP 4.3, delegating thread safety: a SeatCounter whose get(), take() and
         * giveBack() are synchronized). A field that free() reads into (T's plain field itself) stays: it is judged
         * as a field of its own.
         */
        static void dropGuardedDelegates(Class<?> cls, String name, String type, java.util.Set<String> plain) throws Exception {
            java.util.Map<Class<?>, java.util.Set<String>> reads = calls(cls, name + type), books = new java.util.HashMap<>();
            for (String book : named(cls, "book")) {
                calls(cls, book).forEach((t, ms) -> books.computeIfAbsent(t, k -> new java.util.TreeSet<>()).addAll(ms));
            }
            for (Class<?> c : hierarchy(cls)) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    Class<?> t = f.getType();
                    String entry = t.getSimpleName() + " " + f.getName();
                    if (!plain.contains(entry) || !java.lang.reflect.Modifier.isFinal(f.getModifiers())) continue;
                    if (!reads.containsKey(t)) continue;
                    Locks booking = locksOf(t, books.getOrDefault(t, java.util.Set.of()), new java.util.TreeSet<>());
                    boolean guarded = true;
                    for (String m : reads.get(t)) {
                        java.util.Set<String> unguarded = new java.util.TreeSet<>();
                        Locks r = locksOf(t, java.util.Set.of(m), unguarded);
                        boolean ordered = unguarded.isEmpty() && calls(t, m).isEmpty();
                        boolean same = r.sameMonitorAs(booking)
                                || !r.lockFields().isEmpty() && booking.lockFields().containsAll(r.lockFields());
                        if (!ordered && !same) guarded = false;
                    }
                    if (guarded) plain.remove(entry);
                }
            }
        }

        /**
         * The methods of the solution's other classes that {@code start} (a name and type of {@code cls}), and the
         * methods of {@code cls} it calls, call: by class, each as its name and type.
         */
        static java.util.Map<Class<?>, java.util.Set<String>> calls(Class<?> cls, String start) throws Exception {
            java.util.Map<Class<?>, java.util.Set<String>> found = new java.util.HashMap<>();
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.ArrayDeque<Declared> todo = new java.util.ArrayDeque<>();
            Declared first = resolve(cls, start);
            if (first != null) todo.push(first);
            while (!todo.isEmpty()) {
                Declared next = todo.pop();
                if (!seen.add(next.key()) || next.method().code().isEmpty()) continue;
                for (var e : next.method().code().get()) {
                    if (!(e instanceof java.lang.classfile.instruction.InvokeInstruction i)) continue;
                    String owner = i.owner().asInternalName();
                    if (within(cls, owner)) {
                        Declared called = target(cls, i);
                        if (called != null) todo.push(called);
                        continue;
                    }
                    Class<?> c = learners(cls, owner);
                    if (c != null) found.computeIfAbsent(c, k -> new java.util.TreeSet<>()).add(i.name().stringValue() + i.type().stringValue());
                }
            }
            return found;
        }

        /** A method's model, and the class that declares it. */
        record Declared(Class<?> owner, java.lang.classfile.MethodModel method) {
            String key() {
                return owner.getName() + "." + method.methodName().stringValue() + method.methodType().stringValue();
            }
        }

        /** {@code cls} and its superclasses that the solution declares (its class loader loaded them). */
        static List<Class<?>> hierarchy(Class<?> cls) {
            List<Class<?>> chain = new ArrayList<>();
            for (Class<?> c = cls; c != null && c.getClassLoader() == cls.getClassLoader(); c = c.getSuperclass()) chain.add(c);
            return chain;
        }

        /** The name and type of each method named {@code name} that a {@code cls} has: its own, or one it inherits. */
        static java.util.Set<String> named(Class<?> cls, String name) throws Exception {
            java.util.Set<String> found = new java.util.TreeSet<>();
            for (Class<?> c : hierarchy(cls)) {
                for (var m : model(c).methods()) {
                    if (m.methodName().stringValue().equals(name)) found.add(name + m.methodType().stringValue());
                }
            }
            return found;
        }

        /** The method {@code nameType} that a call on a {@code from} runs: from's own or its nearest superclass's; null if none of the solution's. */
        static Declared resolve(Class<?> from, String nameType) throws Exception {
            for (Class<?> c : hierarchy(from)) {
                for (var m : model(c).methods()) {
                    if ((m.methodName().stringValue() + m.methodType().stringValue()).equals(nameType)) return new Declared(c, m);
                }
            }
            return null;
        }

        /**
         * The method that {@code i}, a call on {@code cls} or one of its superclasses, runs: looked up from cls for a
         * virtual call (on this object: a method cls overrides runs), from the class named for a super or static call.
         */
        static Declared target(Class<?> cls, java.lang.classfile.instruction.InvokeInstruction i) throws Exception {
            String nameType = i.name().stringValue() + i.type().stringValue();
            boolean virtual = i.opcode() == java.lang.classfile.Opcode.INVOKEVIRTUAL
                    || i.opcode() == java.lang.classfile.Opcode.INVOKEINTERFACE;
            return resolve(virtual ? cls : learners(cls, i.owner().asInternalName()), nameType);
        }

        /** Whether the class {@code internal} names is {@code cls} or one of its superclasses that the solution declares. */
        static boolean within(Class<?> cls, String internal) {
            Class<?> c = learners(cls, internal);
            return c != null && c.isAssignableFrom(cls) && !c.isInterface();
        }

        /** The class {@code internal} names, if {@code cls}'s class loader loaded it (the solution's classes); null otherwise. */
        static Class<?> learners(Class<?> cls, String internal) {
            try {
                Class<?> c = Class.forName(internal.replace('/', '.'), false, cls.getClassLoader());
                return c.getClassLoader() == cls.getClassLoader() ? c : null;
            } catch (ClassNotFoundException | LinkageError e) {
                return null;
            }
        }

        /**
         * Whether reading {@code field} from another thread needs a lock: it is neither final nor volatile, or it holds
         * an array or a java.util collection, whose contents a final or volatile field does not make visible (a
         * final int[] read with no lock is as stale as a plain int), or an object of the learner's own classes with a
         * field that needs one (a final Counter whose int is plain is as stale as the int). Fields of a
         * java.util.concurrent type need none.
         */
        static boolean needsLock(java.lang.reflect.Field field) {
            return needsLock(field, new java.util.HashSet<>());
        }

        private static boolean needsLock(java.lang.reflect.Field field, java.util.Set<Class<?>> seen) {
            Class<?> type = field.getType();
            if (type.getPackageName().startsWith("java.util.concurrent")) return false;
            if (type.isArray() || type.getPackageName().equals("java.util")) return true;
            int mod = field.getModifiers();
            if (!java.lang.reflect.Modifier.isFinal(mod) && !java.lang.reflect.Modifier.isVolatile(mod)) return true;
            // a final or volatile field publishes the reference only: an object of the solution's own classes (loaded
            // by its class loader) is as visible as its fields are
            if (type.isPrimitive() || type.getClassLoader() != ThreadSeats.class.getClassLoader() || !seen.add(type)) return false;
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (!java.lang.reflect.Modifier.isStatic(f.getModifiers()) && needsLock(f, seen)) return true;
                }
            }
            return false;
        }

        /**
         * The object whose monitor a MONITORENTER enters, from the instructions before it: javac compiles
         * {@code synchronized (x)} to x's load, DUP, ASTORE, MONITORENTER. THIS for {@code this}, a field's name for
         * a field, CLASS for a class literal, UNKNOWN for anything else.
         */
        static String monitorOf(java.util.List<java.lang.classfile.Instruction> before, boolean isStatic) {
            int n = before.size();
            int at = n >= 3 && before.get(n - 1) instanceof java.lang.classfile.instruction.StoreInstruction
                    && before.get(n - 2).opcode() == java.lang.classfile.Opcode.DUP ? n - 3 : n - 1;
            if (at < 0) return Locks.UNKNOWN;
            var source = before.get(at);
            if (source instanceof java.lang.classfile.instruction.LoadInstruction load && load.slot() == 0 && !isStatic) return Locks.THIS;
            if (source instanceof java.lang.classfile.instruction.FieldInstruction f) return f.name().stringValue();
            if (source instanceof java.lang.classfile.instruction.ConstantInstruction c
                    && c.constantValue() instanceof java.lang.constant.ClassDesc) return Locks.CLASS;
            return Locks.UNKNOWN;
        }

        /**
         * Whether each of free()'s lock fields is excluded by one of book()'s, on a new ThreadSeats: while this thread
         * holds book()'s Lock, another thread cannot take free()'s (as the read lock of a ReadWriteLock cannot be
         * taken while its write lock is held). Lock fields only; false when a field holds no Lock.
         */
        static boolean excluded(java.util.Set<String> readFields, java.util.Set<String> bookFields) throws Exception {
            ThreadSeats seats = new ThreadSeats(1);
            for (String r : readFields) {
                if (!(value(seats, r) instanceof java.util.concurrent.locks.Lock read)) return false;
                boolean found = false;
                for (String b : bookFields) {
                    if (value(seats, b) instanceof java.util.concurrent.locks.Lock book && excludes(book, read)) found = true;
                }
                if (!found) return false;
            }
            return true;
        }

        private static Object value(ThreadSeats seats, String field) throws Exception {
            java.lang.reflect.Field f = null;
            for (Class<?> c : hierarchy(ThreadSeats.class)) {
                for (java.lang.reflect.Field d : c.getDeclaredFields()) if (f == null && d.getName().equals(field)) f = d;
            }
            if (f == null) throw new NoSuchFieldException(field);
            f.setAccessible(true);
            return f.get(java.lang.reflect.Modifier.isStatic(f.getModifiers()) ? null : seats);
        }

        /** Whether another thread cannot take {@code read} while this one holds {@code book}. */
        private static boolean excludes(java.util.concurrent.locks.Lock book, java.util.concurrent.locks.Lock read) throws Exception {
            book.lock();
            try {
                var taken = new java.util.concurrent.atomic.AtomicBoolean(true);
                Thread other = Thread.ofPlatform().start(() -> {
                    boolean got = read.tryLock();
                    taken.set(got);
                    if (got) read.unlock();
                });
                if (!other.join(java.time.Duration.ofSeconds(5))) return false;
                return !taken.get();
            } finally {
                book.unlock();
            }
        }

        static java.lang.classfile.ClassModel model(Class<?> cls) throws Exception {
            String own = cls.getName().replace('.', '/');
            byte[] bytes;
            try (var in = cls.getClassLoader().getResourceAsStream(own + ".class")) {
                if (in == null) throw new IllegalStateException("cannot read the class file of " + cls.getName());
                bytes = in.readAllBytes();
            }
            return java.lang.classfile.ClassFile.of().parse(bytes);
        }

        /** The field {@code name} of the class {@code owner} (an internal name) as {@code cls}'s loader sees it. */
        static java.lang.reflect.Field field(Class<?> cls, String owner, String name) {
            try {
                for (Class<?> c = Class.forName(owner.replace('/', '.'), false, cls.getClassLoader()); c != null;
                     c = c.getSuperclass()) {
                    if (c.getName().startsWith("java.")) return null;
                    try {
                        return c.getDeclaredField(name);
                    } catch (NoSuchFieldException e) {
                        // in a superclass
                    }
                }
            } catch (ClassNotFoundException e) {
                return null;
            }
            return null;
        }
    }

    /**
     * Lincheck's model checking of {@code spec}: the custom scenarios of {@code options}, then {@code random} random
     * ones (2 threads, 2 calls each, one call before and one after), 100 interleavings each.
     */
    static void modelCheck(Class<?> spec, int random, String calls, ModelCheckingOptions options) {
        try {
            options.iterations(random).invocationsPerIteration(100)
                    .threads(2).actorsPerThread(2).actorsBefore(1).actorsAfter(1)
                    .check(spec);
        } catch (LincheckAssertionError e) {
            String report = e.getMessage() == null ? "" : e.getMessage();
            int detailed = report.indexOf("Detailed trace:"); // it repeats the interleaving with every frame
            throw new AssertionError("Lincheck found calls running at the same time whose results no one-at-a-time"
                    + " order of the same calls can give (" + calls + "):\n"
                    + (detailed < 0 ? report : report.substring(0, detailed)).strip(), e);
        }
    }

    static Actor actor(Class<?> spec, String operation) throws NoSuchMethodException {
        return new Actor(spec.getMethod(operation), List.of());
    }

    /** A Lincheck scenario: {@code before}, then {@code a} and {@code b} on two threads at once, then {@code after}. */
    static ExecutionScenario scenario(List<Actor> before, List<Actor> a, List<Actor> b, List<Actor> after) {
        return new ExecutionScenario(before, List.of(a, b), after, null);
    }

    // ---------------------------------------------------------------- helpers

    /** Runs {@code tasks} on a Scheduler on a thread of its own, and waits (bounded) for them all to end. */
    static void onScheduler(String what, List<Generator.Body<Scheduler.Call, Object, ?>> tasks) {
        List<Exception> failures = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> crashed = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().daemon().name("scheduler").start(() -> {
            try (Scheduler s = new Scheduler()) {
                s.onError((task, e) -> failures.add(e));
                for (int i = 0; i < tasks.size(); i++) s.spawn("task " + (char) ('A' + i), tasks.get(i));
                s.run();
            } catch (Throwable t) {
                crashed.set(t);
            }
        });
        try {
            thread.join(LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("the check was interrupted");
        }
        if (thread.isAlive()) {
            throw new AssertionError(what + " did not finish within " + LIMIT.toSeconds() + " s: the scheduler's"
                    + " thread " + Hang.doing(thread) + ". Every task runs on that one thread: a task that blocks it"
                    + " (a lock or a semaphore another task holds) stops them all, the one that would let it go too.");
        }
        List<Throwable> all = new ArrayList<>(failures);
        if (crashed.get() != null) all.add(crashed.get());
        for (Throwable e : all) {
            if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
        }
        if (!all.isEmpty()) throw new AssertionError("In " + what + ", a task failed: " + Evidence.describe(all.get(0)), all.get(0));
    }

    /** Waits until thread A's payment has started; fails, saying what A did, if it does not. */
    static void awaitPaying(Waiting a, CountDownLatch paying, String seats) throws InterruptedException {
        if (paying.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) return;
        Object r = a.returns(LIMIT);
        throw new AssertionError(seats + " free: thread A's booking returned " + r + " without calling its payment.");
    }

    interface Book {
        boolean book(Callable<Boolean> pay) throws Exception;
    }

    interface Free {
        int free();
    }

    /**
     * On 1 seat: a refused payment, one that throws an exception, one that throws an InterruptedException, one that
     * throws an Error, a good one, and one more booking when none is left; each step's outcome is added to
     * {@code steps}. {@code wait} is what a payment does before it answers.
     */
    static void refundSteps(Book book, Free free, List<String> steps, IOException declined, AtomicInteger paidForNothing,
                            Callable<?> wait) throws Exception {
        steps.add("refused: " + book.book(() -> { wait.call(); return false; }) + ", free " + free.free());
        try {
            steps.add("failed: returned " + book.book(() -> { wait.call(); throw declined; }) + ", free " + free.free());
        } catch (Exception e) {
            if (Evidence.notDone(e)) throw e;
            steps.add("failed: " + (e == declined ? "threw it" : "threw " + e + " instead of the payment's exception")
                    + ", free " + free.free());
        }
        // a payment interrupted while it waits: not a refusal, it goes on to the caller like any exception
        InterruptedException stopped = new InterruptedException("payment interrupted");
        try {
            steps.add("interrupted: returned " + book.book(() -> { wait.call(); throw stopped; }) + ", free " + free.free());
        } catch (Exception e) {
            if (Evidence.notDone(e)) throw e;
            steps.add("interrupted: " + (e == stopped ? "threw it" : "threw " + e + " instead of the payment's"
                    + " InterruptedException") + ", free " + free.free());
        }
        AssertionError broke = new AssertionError("card reader broke");
        try {
            steps.add("broke: returned " + book.book(() -> { wait.call(); throw broke; }) + ", free " + free.free());
        } catch (Error e) {
            steps.add("broke: " + (e == broke ? "threw it" : "threw " + e + " instead of the payment's Error")
                    + ", free " + free.free());
        }
        steps.add("paid: " + book.book(() -> { wait.call(); return true; }) + ", free " + free.free());
        steps.add("sold out: " + book.book(() -> { paidForNothing.incrementAndGet(); return true; }) + ", free " + free.free());
    }

    static void expectRefundSteps(String where, List<String> steps, AtomicInteger paidForNothing) {
        List<String> expected = List.of("refused: false, free 1", "failed: threw it, free 1",
                "interrupted: threw it, free 1", "broke: threw it, free 1", "paid: true, free 0", "sold out: false, free 0");
        if (!steps.equals(expected) || paidForNothing.get() != 0) {
            throw new AssertionError(where + ", 1 seat, six bookings one after the other: a payment that says no, one"
                    + " that throws an IOException, one that throws an InterruptedException, one that throws an"
                    + " AssertionError (an Error, not an Exception), one that pays, and one more. Expected " + expected
                    + ", got " + steps + (paidForNothing.get() != 0 ? " (and the last one paid for no seat)" : "")
                    + ". A seat held for a payment that did not go through must be freed however the payment ended: it"
                    + " said no, or it threw anything (then what it threw goes on to the caller unchanged: an"
                    + " interrupted payment is not a refusal, and book must not swallow the InterruptedException). A"
                    + " finally block does that.");
        }
    }
}
