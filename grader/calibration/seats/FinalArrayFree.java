// fails: threads-free-visible
// Keeps the count in a final int[] changed under a lock, and free() reads its element with no lock: final publishes
// the array's reference, not later writes to its elements, so free() may see a stale count.
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
    private final int[] free = new int[1];   // free[0] written under the lock of this

    ThreadSeats(int seats) {
        free[0] = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        synchronized (this) {
            if (free[0] == 0) return false;
            free[0]--;
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                synchronized (this) {
                    free[0]++;
                }
            }
        }
    }

    int free() {
        return free[0];           // final field, plain element: no happens-before edge from the last booking
    }
}
