// fails:
// Correct: ThreadSeats delegates its thread safety to a SeatCounter of its own (JCiP 4.3), a plain int behind synchronized take(), giveBack() and get(), held in a final field; free() returns seats.get(). threads-free-visible must look into SeatCounter's methods and pass it.
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

    synchronized int get() {
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
