// fails:
// Correct: the count is a plain int that only a VarHandle touches, in volatile mode: getVolatile and compareAndSet in book(), getAndAdd for a refund, getVolatile in free(). threads-free-visible must take getVolatile for an ordered read, and threads-hold-seat's counting copy must run the VarHandle.
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

class ThreadSeats {
    private static final VarHandle FREE;

    static {
        try {
            FREE = MethodHandles.lookup().findVarHandle(ThreadSeats.class, "free", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int free; // only through FREE, in volatile mode

    ThreadSeats(int seats) {
        free = seats;
    }

    boolean book(Callable<Boolean> pay) throws Exception {
        int n;
        do {
            n = (int) FREE.getVolatile(this);
            if (n == 0) return false;
        } while (!FREE.compareAndSet(this, n, n - 1));
        boolean paid = false;
        try {
            paid = pay.call();
            return paid;
        } finally {
            if (!paid) FREE.getAndAdd(this, 1);
        }
    }

    int free() {
        return (int) FREE.getVolatile(this);
    }
}
