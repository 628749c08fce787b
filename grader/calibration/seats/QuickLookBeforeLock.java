// fails: threads-free-visible
// A quick look at the count before taking the lock, to refuse at once when the theatre looks sold out: a plain read that no lock orders after a refund's write may see a stale 0 (JLS 17.4), and the JIT may hoist it out of a caller's retry loop. Everything else is LockObjectBoth's, and Lincheck, which runs sequentially consistent steps, passes it.
import java.util.concurrent.Callable;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    private int free;

    TaskSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (free == 0) return false;
        free--;
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) free++;
        }
    }

    int free() {
        return free;
    }
}

/** Seats sold to threads, virtual or platform, that book at the same time: the same contract as TaskSeats. */
class ThreadSeats {
    private final Object lock = new Object();
    private int free;   // guarded by lock

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (free == 0) return false; // sold out: no need to lock
        synchronized (lock) {
            if (free == 0) return false;
            free--;
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                synchronized (lock) {
                    free++;
                }
            }
        }
    }

    int free() {
        synchronized (lock) {
            return free;
        }
    }
}
