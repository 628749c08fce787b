// fails:
// Correct: ThreadSeats delegates to a SeatCounter of its own, lock-free: a plain int that only a VarHandle touches (compareAndSet to take, getAndAdd to give back, getAcquire to read), in a final field. threads-free-visible must pass a delegate whose read is ordered though it takes no lock.
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

/** A count of free seats, safe for threads without a lock: every access goes through COUNT. */
final class SeatCounter {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(SeatCounter.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int count;

    SeatCounter(int count) {
        this.count = count;
    }

    boolean take() {
        int n;
        do {
            n = (int) COUNT.getAcquire(this);
            if (n == 0) return false;
        } while (!COUNT.compareAndSet(this, n, n - 1));
        return true;
    }

    void giveBack() {
        COUNT.getAndAdd(this, 1);
    }

    int get() {
        return (int) COUNT.getAcquire(this);
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
