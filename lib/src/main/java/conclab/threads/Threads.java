package conclab.threads;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;

/**
 * Helpers that keep notebook code about threads short: the same operations as {@link Thread}'s, without
 * the checked {@link InterruptedException} that would otherwise fill every lambda with try and catch.
 *
 * <p>Interruption is never swallowed. When a helper is interrupted while it waits, it sets the thread's
 * interrupt status again and throws {@link Interrupted}, an unchecked exception; so code that must react to
 * interruption still can (catch it, or test {@link Thread#isInterrupted()}), and code that does not care
 * simply ends. Threads started by these helpers print nothing extra when they end that way.
 */
public final class Threads {
    private Threads() {}

    /** Thrown instead of {@link InterruptedException}; the thread's interrupt status is set when it is thrown. */
    public static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Wraps {@code cause}; the caller has set (or keeps) the thread's interrupt status. */
        public Interrupted(InterruptedException cause) {
            super("interrupted", cause);
        }
    }

    /** Sleeps for {@code millis} milliseconds, like {@link Thread#sleep(long)}. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Sleeps for {@code duration}, like {@link Thread#sleep(Duration)}. */
    public static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Waits for every thread to end, in order, like calling {@link Thread#join()} on each. */
    public static void join(Thread... threads) {
        join(Arrays.asList(threads));
    }

    /** Waits for every thread of {@code threads} to end, in order. */
    public static void join(Collection<? extends Thread> threads) {
        try {
            for (Thread t : threads) t.join();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static Interrupted interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Interrupted(e);
    }
}
