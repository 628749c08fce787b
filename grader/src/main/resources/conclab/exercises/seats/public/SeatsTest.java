import conclab.coro.Generator;
import conclab.coro.Scheduler;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Hang;
import conclab.grader.probe.ModelCheck;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the seats exercise: the learner may read them. Tasks run on a {@link Scheduler} on a thread of the
 * test's own, threads are platform threads of the test; every wait is bounded.
 */
public class SeatsTest {
    /** A generous bound for what takes milliseconds: the machine may be shared and busy. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    // ---------------------------------------------------------------- tasks on one scheduler

    @Test
    @Property("tasks-hold-seat")
    void tasksHoldSeat() {
        // 1 seat, 3 tasks, each paying for 30 ms: the scheduler's one thread runs the others meanwhile.
        TaskSeats one = new TaskSeats(1);
        List<Boolean> booked = new CopyOnWriteArrayList<>();
        AtomicInteger payments = new AtomicInteger();
        List<Generator.Body<Scheduler.Call, Object, ?>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tasks.add(y -> booked.add(one.book(() -> {
                payments.incrementAndGet();
                Scheduler.sleep(Duration.ofMillis(30));
                return true;
            })));
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
        onScheduler("one task booking four times", List.of(y -> {
            refundSteps(seats::book, seats::free, steps, declined, paidForNothing, () -> { Scheduler.sleep(Duration.ofMillis(1)); return null; });
            return null;
        }));
        expectRefundSteps("On the scheduler", steps, paidForNothing);
    }

    // ---------------------------------------------------------------- threads

    @Test
    @Property("threads-hold-seat")
    void threadsHoldSeat() throws Exception {
        ThreadSeats seats = new ThreadSeats(1);
        CountDownLatch paying = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicInteger bPaid = new AtomicInteger();
        Waiting a = Waiting.start("thread A's booking", () -> seats.book(() -> {
            paying.countDown();
            return release.await(3 * LIMIT.toSeconds(), TimeUnit.SECONDS);
        }));
        try {
            awaitPaying(a, paying, "1 seat");
            Waiting b = Waiting.start("thread B's booking", () -> seats.book(() -> {
                bPaid.incrementAndGet();
                return true;
            }));
            b.thread().join(LIMIT); // it returns, or waits for A (another property)
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
        } finally {
            release.countDown();
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
        ModelCheck.linearizable(Spec.class, 10, 100);
    }

    /**
     * What Lincheck calls: bookings paid at once, on 2 seats. With one booking before the threads start, one seat is
     * left for the four bookings the two threads make: exactly one of them may get it.
     */
    public static class Spec {
        private final ThreadSeats seats = new ThreadSeats(2);

        @Operation
        public boolean book() throws Exception {
            return seats.book(() -> true);
        }
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
     * On 1 seat: a refused payment, a failed one, a good one, and one more booking when none is left; each step's
     * outcome is added to {@code steps}. {@code wait} is what a payment does before it answers.
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
        steps.add("paid: " + book.book(() -> { wait.call(); return true; }) + ", free " + free.free());
        steps.add("sold out: " + book.book(() -> { paidForNothing.incrementAndGet(); return true; }) + ", free " + free.free());
    }

    static void expectRefundSteps(String where, List<String> steps, AtomicInteger paidForNothing) {
        List<String> expected = List.of("refused: false, free 1", "failed: threw it, free 1", "paid: true, free 0",
                "sold out: false, free 0");
        if (!steps.equals(expected) || paidForNothing.get() != 0) {
            throw new AssertionError(where + ", 1 seat, four bookings one after the other: a payment that says no, one"
                    + " that throws an IOException, one that pays, and one more. Expected " + expected + ", got "
                    + steps + (paidForNothing.get() != 0 ? " (and the last one paid for no seat)" : "") + ". A seat"
                    + " held for a payment that did not go through must be freed, whether the payment said no or"
                    + " threw (then the exception goes on to the caller).");
        }
    }
}
