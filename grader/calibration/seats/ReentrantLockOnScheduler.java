// fails: tasks-hold-seat
// Check, pay and take under a ReentrantLock: it belongs to the thread, which every task shares, so each task gets it and the seat is sold twice.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    /** Seats neither sold nor held for a payment; touched by the scheduler's thread only. */
    private int free;
    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

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
        lock.lock();                   // every task runs on the scheduler's thread, which may hold it already
        try {
            if (free == 0) return false;
            boolean paid = pay.call();
            if (paid) free--;
            return paid;
        } finally {
            lock.unlock();
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
        int n;
        do {                                            // take a seat if one is free: check and take in one step
            n = free.get();
            if (n == 0) return false;
        } while (!free.compareAndSet(n, n - 1));
        boolean paid = false;
        try {
            paid = pay.call();                          // no lock held while the payment waits
            return paid;
        } finally {
            if (!paid) free.incrementAndGet();
        }
    }

    /** How many seats are free now. */
    int free() {
        return free.get();
    }
}
