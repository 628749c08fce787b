package conclab.coro;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * A generator whose body runs on a thread of its own, for comparison with {@link ContinuationGenerator}: each
 * resume hands a message to the body's thread and waits for its answer, two thread hand-offs through
 * {@link SynchronousQueue}s (in JDK 25 a waiting thread may spin briefly before it parks: only if the queue was empty
 * or its last waiter has not parked yet, not if the JVM sees one processor, nor on a virtual thread whose carrier has
 * other tasks queued; a hand-off that misses the spin parks one thread and unparks the other).
 *
 * <p>The body's thread starts at the first resume. While the body is suspended its thread is parked in
 * {@link #suspend}; an interrupt of that thread closes the generator: {@link GeneratorExit} is thrown at the yield,
 * so the body's {@code finally} blocks run, and nobody is told (no caller is waiting). A caller waiting for the
 * body is not stopped by an interrupt: it goes on waiting, and its interrupt status is set again when it returns.
 */
final class ThreadGenerator<Y, S, R> extends AbstractGenerator<Y, S, R> {
    /** The body's answers to a resume. */
    private static final Object YIELDED = new Object(), ENDED = new Object();
    /** Stands for a null sent to the body: a queue takes no null. */
    private static final Object NULL = new Object();

    private final Thread.Builder threads;
    /** Messages to the body: a value sent, or a {@link AbstractGenerator.Thrown}. */
    private final SynchronousQueue<Object> toBody = new SynchronousQueue<>();
    /** Answers to the caller: YIELDED or ENDED. */
    private final SynchronousQueue<Object> toCaller = new SynchronousQueue<>();
    /** Whether the body's thread was started; the callers' side, published by the state protocol. */
    private boolean started;
    /** The body's thread: written by that thread as it starts, read by it in {@link #suspend}. */
    private volatile Thread bodyThread;
    /** Set by the body's thread when an interrupt closed the generator: nobody waits for the body's end. */
    private boolean endedByInterrupt;

    ThreadGenerator(Thread.Builder threads, Body<Y, S, R> body) {
        super(body);
        this.threads = threads;
    }

    @Override
    boolean step(Object message) {
        if (!started) {
            started = true;
            threads.start(this::body); // the first resume: the message is the null of next()
        } else {
            handOff(toBody, message == null ? NULL : message);
        }
        return take(toCaller) == YIELDED;
    }

    /** The body's thread: runs the body, then tells the caller it ended, unless an interrupt ended it. */
    private void body() {
        bodyThread = Thread.currentThread();
        runBody();
        if (!endedByInterrupt) handOff(toCaller, ENDED);
    }

    @Override
    Object suspend() {
        if (Thread.currentThread() != bodyThread) {
            throw new IllegalStateException("yield called outside the body of its generator (on another thread)");
        }
        if (endedByInterrupt) { // nobody waits for a value: the body caught the GeneratorExit and yielded again
            throw new IllegalStateException("generator ignored GeneratorExit (it was closed by an interrupt of its thread)");
        }
        handOff(toCaller, YIELDED);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    // After an interrupt, poll: the caller may not have marked the generator suspended yet.
                    Object m = interrupted ? toBody.poll(10, TimeUnit.MILLISECONDS) : toBody.take();
                    if (m != null) return m == NULL ? null : m;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (interrupted && closeIfSuspended()) {
                    endedByInterrupt = true;
                    throw new GeneratorExit();
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt(); // the body may want to know
        }
    }

    /** Puts {@code m} for the thread waiting on {@code queue}, whatever interrupts come meanwhile. */
    private static void handOff(SynchronousQueue<Object> queue, Object m) {
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(m);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Takes the next answer from {@code queue}, whatever interrupts come meanwhile. */
    private static Object take(SynchronousQueue<Object> queue) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
