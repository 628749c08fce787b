// fails: threads-free-visible
// ThreadSeats delegates to a SeatCounter of its own whose take() and giveBack() are synchronized, but whose get() is
// not: free() returns seats.get(), a read of the plain int with no lock, which may be stale.
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

/** A thread-safe count of free seats (JCiP 4.3: ThreadSeats delegates its thread safety to it). */
final class SeatCounter {
    private int free;

    SeatCounter(int free) {
        this.free = free;
    }

    synchronized boolean take() {
        if (free == 0) return false;
        free--;
        return true;
    }

    synchronized void giveBack() {
        free++;
    }

    int get() { // no lock
        return free;
    }
}

class ThreadSeats {
    private final SeatCounter seats;

    ThreadSeats(int seats) {
        this.seats = new SeatCounter(seats);
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (!seats.take()) return false;
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) seats.giveBack();
        }
    }

    int free() {
        return seats.get();
    }
}
