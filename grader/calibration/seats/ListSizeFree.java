// fails: threads-free-visible
// Keeps the held seats in a final ArrayList changed under a lock, and free() calls size() with no lock: ArrayList is not
// thread-safe, and a final field publishes the list, not its later changes, so free() may see a stale size.
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
    private final int seats;
    private final java.util.List<Thread> held = new java.util.ArrayList<>();   // changed under the lock of this

    ThreadSeats(int seats) {
        this.seats = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        synchronized (this) {
            if (held.size() == seats) return false;
            held.add(Thread.currentThread());
        }
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) {
                synchronized (this) {
                    held.remove(Thread.currentThread());
                }
            }
        }
    }

    int free() {
        return seats - held.size();   // no lock: ArrayList's size field is read plain
    }
}
