// fails: threads-hold-seat
// The threads' booking spins up to 200 ms (Thread.onSpinWait, outside the lock) for a held seat's payment before it
// returns false: it begins no wait, park or sleep, but it waits all the same, and burns a core doing it.
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
            if (!paid) free++;   // refused, threw, or the task was cancelled (GeneratorExit): the seat is free again
        }
    }

    /** How many seats are free now. */
    int free() {
        return free;
    }
}


/** Seats sold to threads, virtual or platform, that book at the same time: the same contract as TaskSeats. */
class ThreadSeats {
    private int free, held;   // guarded by this

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        long end = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < end) {   // a held seat may come back: give its payment 200 ms
            synchronized (this) {
                if (free > 0 || held == 0) break;
            }
            Thread.onSpinWait();
        }
        synchronized (this) {
            if (free == 0) return false;
            free--;
            held++;
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            synchronized (this) {
                held--;
                if (!paid) free++;
                notifyAll();
            }
        }
    }

    synchronized int free() {
        return free;
    }
}
