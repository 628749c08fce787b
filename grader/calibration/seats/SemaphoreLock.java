// fails:
// Correct: a Semaphore of one permit used as the lock, in book() and in free() (a release happens-before the next
// acquire).
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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

/** Seats sold to threads: a plain count guarded by a Semaphore of one permit, used as a lock. */
class ThreadSeats {
    private final Semaphore mutex = new Semaphore(1);
    private int free; // guarded by mutex

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        mutex.acquireUninterruptibly();
        try {
            if (free == 0) return false;
            free--;
        } finally {
            mutex.release();
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                mutex.acquireUninterruptibly();
                try {
                    free++;
                } finally {
                    mutex.release();
                }
            }
        }
    }

    int free() {
        mutex.acquireUninterruptibly();
        try {
            return free;
        } finally {
            mutex.release();
        }
    }
}
