// fails: tasks-hold-seat
// TaskSeats keeps its count in a static field ("one scheduler means one thread, so one count"): two theatres on one scheduler share their seats, and the last one made sets them.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    private static int free;

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
