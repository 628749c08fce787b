// fails: threads-free-visible
// Books and refunds under a ReentrantLock, but free() is synchronized: the monitor of this, not the lock that guards
// the count, so nothing orders free()'s read after a booking's write (JLS 17.4), which Lincheck does not model.
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

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
    private int free;   // written under lock
    private final ReentrantLock lock = new ReentrantLock();

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        lock.lock();
        try {
            if (free == 0) return false;
            free--;
        } finally { lock.unlock(); }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                lock.lock();
                try { free++; } finally { lock.unlock(); }
            }
        }
    }

    synchronized int free() {
        return free;              // the monitor of this: not the lock that guards free
    }
}
