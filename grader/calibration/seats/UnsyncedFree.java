// fails: threads-free-visible
// Books and refunds under a lock, but free() reads the plain int without it: another thread may see a stale count (JCiP 3.1), which Lincheck does not model.
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
    private int free;   // written under the lock of this

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        synchronized (this) {
            if (free == 0) return false;
            free--;
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                synchronized (this) {
                    free++;
                }
            }
        }
    }

    int free() {
        return free;              // no lock: no happens-before edge from the last booking's write
    }
}
