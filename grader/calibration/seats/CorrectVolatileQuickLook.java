// fails:
// Correct: the count is volatile, so book()'s quick look before the lock and free()'s read without it see the last write (a volatile read is ordered after the write it sees); the lock still makes the check and the take one step, and a held seat's refund is counted under it.
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
    private volatile int free;   // written under lock; read anywhere

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (free == 0) return false; // sold out: a volatile read sees the last refund
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
        return free;
    }
}
