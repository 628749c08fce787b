// fails: threads-free-visible
// The count sits in a small class of the learner's, held in a final field: book changes it under the lock, free()
// reads it through the holder with no lock. The final field publishes the holder, not later changes to its plain int.
import java.util.concurrent.Callable;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    /** Seats neither sold nor held for a payment; touched by the scheduler's thread only. */
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

/** A count of seats. */
class Counter {
    int n;

    Counter(int n) {
        this.n = n;
    }

    int get() {
        return n;
    }
}

/** Seats sold to threads, virtual or platform, that book at the same time: the same contract as TaskSeats. */
class ThreadSeats {
    private final Counter free;   // its n guarded by this (but free() reads it without)

    ThreadSeats(int seats) {
        free = new Counter(seats);
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        synchronized (this) {
            if (free.n == 0) return false;
            free.n--;
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                synchronized (this) {
                    free.n++;
                }
            }
        }
    }

    int free() {
        return free.get();
    }
}
