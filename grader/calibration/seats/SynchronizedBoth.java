// fails: tasks-hold-seat, threads-hold-seat, threads-pay-together
// One synchronized block for both. On the scheduler the monitor stays with the task suspended in its payment, and the next task blocks the only thread; on threads it is held while a payment waits. A thread that finds the seat held waits for that lock, so it does not return false at once.
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
        synchronized (this) {
            if (free == 0) return false;
            boolean paid = pay.call();
            if (paid) free--;
            return paid;
        }
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
        synchronized (this) {
            if (free.get() == 0) return false;
            boolean paid = pay.call();
            if (paid) free.decrementAndGet();
            return paid;
        }
    }

    /** How many seats are free now. */
    int free() {
        return free.get();
    }
}
