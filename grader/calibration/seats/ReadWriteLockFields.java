// fails:
// Correct: book() changes the count under a ReadWriteLock's write lock, free() reads it under its read lock, each
// lock in a field of its own (JCiP 13.7): the read lock is taken only after the write lock's release.
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

/** Seats sold to threads: a plain count guarded by a ReadWriteLock, its two locks in fields of their own (JCiP 13.7). */
class ThreadSeats {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Lock r = lock.readLock(), w = lock.writeLock();
    private int free; // guarded by lock

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        w.lock();
        try {
            if (free == 0) return false;
            free--;
        } finally {
            w.unlock();
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                w.lock();
                try {
                    free++;
                } finally {
                    w.unlock();
                }
            }
        }
    }

    int free() {
        r.lock();
        try {
            return free;
        } finally {
            r.unlock();
        }
    }
}
