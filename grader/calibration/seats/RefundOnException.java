// fails: tasks-refund, threads-refund
// Frees the seat in catch (Exception e) and when the payment says no: a payment ended by an Error (a cancelled task's GeneratorExit, an AssertionError) keeps the seat forever.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    /** Seats neither sold nor held for a payment; touched by the scheduler's thread only. */
    private int free;

    TaskSeats(int seats) {
        free = seats;
    }

    /**
     * Books a seat for the calling task: takes one and holds it while {@code pay} runs (a payment yields, and other
     * tasks run meanwhile), keeping it if the payment says yes. Returns false at once, without paying, if no seat is
     * free; false if the payment says no; throws what the payment throws. A seat whose payment did not go through is
     * free again.
     */
    boolean book(Callable<Boolean> pay) throws Exception {
        if (free == 0) return false;
        free--;
        boolean paid;
        try {
            paid = pay.call();
        } catch (Exception e) {
            free++;              // the payment failed: the seat is free again
            throw e;
        }
        if (!paid) free++;       // refused
        return paid;
    }

    /** How many seats are free now. */
    int free() {
        return free;
    }
}

/** Seats sold to threads, virtual or platform, that book at the same time: the same contract as TaskSeats. */
class ThreadSeats {
    /** Seats neither sold nor held for a payment. */
    private final AtomicInteger free;

    ThreadSeats(int seats) {
        free = new AtomicInteger(seats);
    }

    /** As TaskSeats.book; called by many threads at once, and pay blocks its thread while it waits. */
    boolean book(Callable<Boolean> pay) throws Exception {
        int n;
        do {
            n = free.get();
            if (n == 0) return false;
        } while (!free.compareAndSet(n, n - 1));
        boolean paid;
        try {
            paid = pay.call();
        } catch (Exception e) {
            free.incrementAndGet();
            throw e;
        }
        if (!paid) free.incrementAndGet();
        return paid;
    }

    /** How many seats are free now. */
    int free() {
        return free.get();
    }
}
