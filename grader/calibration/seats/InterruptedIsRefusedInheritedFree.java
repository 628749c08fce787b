// fails: threads-free-visible, threads-refund
// ThreadSeats extends TaskSeats and inherits its free(), a read of the plain int with no lock; and an InterruptedException from the payment is swallowed as a refusal (book returns false) instead of reaching the caller.
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

/** The same seats, for threads: only the booking needs a lock; free() is TaskSeats', a read. */
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
        } catch (InterruptedException e) {
            return false;               // interrupted while paying: as good as refused
        } finally {
            if (!paid) synchronized (this) { free++; }
        }
    }
}
