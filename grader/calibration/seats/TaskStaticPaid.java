// fails: tasks-refund
// TaskSeats keeps whether the payment went through in a static field ("one thread, one flag"): a task whose payment throws after another task's went through meanwhile reads that one's true and keeps its seat forever.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    private int free;
    /** Whether the payment in progress went through: one scheduler, one thread, so one flag. */
    private static boolean paid;

    TaskSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        if (free == 0) return false;
        free--;
        paid = false;
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
