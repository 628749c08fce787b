package conclab.memory;

import java.util.concurrent.atomic.AtomicInteger;

/** Small methods whose bytecode the notebooks show with {@link Bytecode#of}. */
public final class Examples {
    private Examples() {}

    static int count;
    static volatile int volatileCount;
    static final AtomicInteger atomicCount = new AtomicInteger();

    /** {@code count++} on a plain field: read, add, write. */
    public static void increment() {
        count++;
    }

    /** The same on a volatile field: each step sees memory, but there are still three steps. */
    public static void incrementVolatile() {
        volatileCount++;
    }

    /** One atomic read-modify-write (a compare-and-set, or a locked add on x86). */
    public static void incrementAtomic() {
        atomicCount.incrementAndGet();
    }

    /** {@code count++} inside a synchronized block: the monitor brackets the three steps. */
    public static void incrementSynchronized() {
        synchronized (Examples.class) {
            count++;
        }
    }
}
