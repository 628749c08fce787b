// fails:
// Correct: TaskSeats keeps its count in a static map, one entry per theatre (the TaskSeats itself is the key): static, but not shared between theatres. The two-theatres step of tasks-hold-seat must judge what the theatres count, not where the count is declared.
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    /** The free seats of every theatre, each under its own TaskSeats (which keeps Object's equals: identity). */
    private static final Map<TaskSeats, Integer> FREE = new ConcurrentHashMap<>();

    TaskSeats(int seats) {
        FREE.put(this, seats);
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        int n = FREE.get(this);
        if (n == 0) return false;
        FREE.put(this, n - 1);
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) FREE.merge(this, 1, Integer::sum);
        }
    }

    int free() {
        return FREE.get(this);
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
