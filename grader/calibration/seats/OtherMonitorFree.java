// fails: threads-free-visible
// Books and refunds in synchronized (this) blocks, but free() reads the count in a block on another object: a monitor
// orders only the actions of threads that enter that same monitor (JLS 17.4.4), so free() may see a stale count.
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
    private final Object reading = new Object();
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
        synchronized (reading) {  // another monitor than book()'s
            return free;
        }
    }
}
