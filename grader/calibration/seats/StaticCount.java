// fails: threads-hold-seat
// The count is a static AtomicInteger, one for every ThreadSeats: the last one made sets it, and a booking of one theatre takes a seat of every other.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** One count for the theatre: static, so every ThreadSeats shares it. */
    private static final AtomicInteger free = new AtomicInteger();

    ThreadSeats(int seats) {
        free.set(seats);
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
