// fails:
// Correct: the free seats are a Semaphore's permits: tryAcquire() takes one or returns false at once, release() gives it back, free() is availablePermits(). threads-hold-seat's counting copy must see one tryAcquire in a booking that finds none free.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

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

class ThreadSeats {
    private final Semaphore seats;

    ThreadSeats(int seats) {
        this.seats = new Semaphore(seats);
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (!seats.tryAcquire()) return false;
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) seats.release();
        }
    }

    int free() {
        return seats.availablePermits();
    }
}
