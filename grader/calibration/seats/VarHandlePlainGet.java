// fails: threads-free-visible
// Books with a VarHandle's getVolatile and compareAndSet on a plain int, but free() reads it with the VarHandle's get: a plain-mode read, as stale as a plain field's.
import java.util.concurrent.Callable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
    private int free;

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
        return (int) FREE.get(this);   // plain mode: no ordering with the bookings' CAS
    }
}
