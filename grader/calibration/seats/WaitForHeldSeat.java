// fails: tasks-hold-seat, threads-hold-seat
// With no seat free but one held, waits for that payment to end (the seat may come back) instead of returning false at once: a pause loop on the scheduler, wait() on threads.
import java.util.concurrent.Callable;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    private int free, held;

    TaskSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        while (free == 0 && held > 0) conclab.coro.Scheduler.pause();   // a held seat may come back: wait for it
        if (free == 0) return false;
        free--;
        held++;
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            held--;
            if (!paid) free++;
        }
    }

    int free() {
        return free;
    }
}

/** Seats sold to threads, virtual or platform, that book at the same time: the same contract as TaskSeats. */
class ThreadSeats {
    private int free, held;   // guarded by this

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        synchronized (this) {
            while (free == 0 && held > 0) wait();      // a held seat may come back: wait for its payment to end
            if (free == 0) return false;
            free--;
            held++;
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            synchronized (this) {
                held--;
                if (!paid) free++;
                notifyAll();
            }
        }
    }

    synchronized int free() {
        return free;
    }
}
