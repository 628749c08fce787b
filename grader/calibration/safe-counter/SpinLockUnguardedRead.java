// fails: reads-under-lock
// increment() takes a spin lock of its own (an AtomicBoolean taken by compareAndSet), but get() reads the count without it: the read has no happens-before edge with the increments (the probe holds the spin lock by setting the flag).
import java.util.concurrent.atomic.AtomicBoolean;

class SafeCounter {
    private final AtomicBoolean busy = new AtomicBoolean();
    private long count; // guarded by busy

    void increment() {
        while (!busy.compareAndSet(false, true)) Thread.onSpinWait();
        try {
            count++;
        } finally {
            busy.set(false);
        }
    }

    long get() {
        return count; // MISTAKE: read without the spin lock
    }
}
