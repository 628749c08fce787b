// fails: threads-free-visible
// ThreadSeats extends TaskSeats (a protected plain int) and books under synchronized (this), but its free() returns super.free(): TaskSeats' read of the plain int, with no lock.
import java.util.concurrent.Callable;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    protected int free;

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

/** The same seats for threads: the count is TaskSeats', guarded by this. */
class ThreadSeats extends TaskSeats {
    ThreadSeats(int seats) {
        super(seats);
    }

    @Override
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

    @Override
    int free() {
        return super.free();
    }
}
