// fails: tasks-hold-seat, threads-hold-seat
// With no seat free, a task's booking pauses up to 3 times, and a thread's yields in a loop for 2 ms, before it returns false: a retry, however short, is a wait for the held seat.
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import conclab.coro.Scheduler;

/** Seats sold to the tasks of one conclab.coro.Scheduler: they all run on its one thread. */
class TaskSeats {
    private int free;

    TaskSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        // a held seat may come back (a refused payment): give the others a few turns before giving up
        for (int tries = 0; free == 0; tries++) {
            if (tries == 3) return false;
            Scheduler.pause();
        }
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
        long giveUp = System.nanoTime() + 2_000_000L; // a held seat may come back: retry for 2 ms
        do {
            n = free.get();
            if (n == 0) {
                if (System.nanoTime() > giveUp) return false;
                Thread.yield();
                continue;
            }
            if (free.compareAndSet(n, n - 1)) break;
        } while (true);
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
