// fails:
// Correct: a spin lock of its own (an AtomicBoolean taken by compareAndSet) around count++ and around the read in get(); while the forced race holds the first thread after its read, the other spins for the lock and never reads the count.
import java.util.concurrent.atomic.AtomicBoolean;

class SafeCounter {
    private final AtomicBoolean busy = new AtomicBoolean();
    private long count; // guarded by busy

    private void lock() {
        while (!busy.compareAndSet(false, true)) Thread.onSpinWait();
    }

    void increment() {
        lock();
        try {
            count++;
        } finally {
            busy.set(false);
        }
    }

    long get() {
        lock();
        try {
            return count;
        } finally {
            busy.set(false);
        }
    }
}
