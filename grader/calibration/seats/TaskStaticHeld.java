// fails: tasks-hold-seat
// TaskSeats counts its sold seats per theatre, but the seats held for payments in progress in a static field ("one scheduler, one thread, one count"): a seat held in one theatre is missing from every other while it is paid for.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    private final int seats;
    private int sold;
    /** Seats held for payments in progress: one scheduler, one thread, so one count of them. */
    private static int holding;

    TaskSeats(int seats) {
        this.seats = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (free() == 0) return false;
        holding++;
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            holding--;
            if (paid) sold++;
        }
    }

    int free() {
        return seats - sold - holding;
    }
}

class ThreadSeats {
    private final AtomicInteger free;

    ThreadSeats(int seats) {
        free = new AtomicInteger(seats);
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        int n;
        do {
            n = free.get();
            if (n == 0) return false;
        } while (!free.compareAndSet(n, n - 1));
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) free.incrementAndGet();
        }
    }

    int free() {
        return free.get();
    }
}
