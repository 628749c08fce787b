// fails: threads-linearizable, threads-free-visible
// The thread version keeps a plain int: two threads check and decrement it at the same time.
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
        free--;                  // no yield since the check: no other task has run in between
        boolean paid = false;
        try {
            paid = pay.call();   // yields: the other tasks run, and see this seat taken
            return paid;
        } finally {
            if (!paid) free++;   // refused, or the payment threw: the seat is free again
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
    private int plain;

    ThreadSeats(int seats) {
        free = new AtomicInteger(seats);
        plain = seats;
    }

    /** As TaskSeats.book; called by many threads at once, and pay blocks its thread while it waits. */
    boolean book(Callable<Boolean> pay) throws Exception {
        if (plain == 0) return false;
        plain--;
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) plain++;
        }
    }

    /** How many seats are free now. */
    int free() {
        return plain;
    }
}
