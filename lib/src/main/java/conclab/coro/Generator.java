package conclab.coro;

import java.util.Iterator;

/**
 * A generator: a function that can pause at a {@code yield}, hand a value out, and go on from there when it is sent
 * a value back. Python's generators, with their methods named as in Python: {@link #next}, {@link #send},
 * {@link #throwIn} ({@code throw} is a Java keyword), {@link #close}, and {@link #state} for
 * {@code inspect.getgeneratorstate}.
 *
 * <pre>{@code
 * Generator<String, String, String> gen = Generator.of(y -> {
 *     String html = y.yield("http://projectsedu.com");
 *     System.out.println(html);
 *     return "bobby";
 * });
 * String url = gen.send(null);        // runs the body to its first yield: "http://projectsedu.com"
 * try {
 *     gen.send("<html>...</html>");   // prints it; the body returns
 * } catch (StopIteration e) {
 *     e.value();                      // "bobby"
 * }
 * }</pre>
 *
 * <h2>Python's rules, kept</h2>
 * <ul>
 * <li>The body does not start until the first {@code next()} (or {@code send(null)}); sending anything else to a
 *     generator that has not started is an error.
 * <li>The call that finds the body finished throws {@link StopIteration} with what the body returned; every later
 *     {@code next} or {@code send} throws a {@code StopIteration} with a null value.
 * <li>An exception the body throws comes out of the call that resumed it, unchanged (a checked one too: Java makes
 *     you declare it, Python does not, and a learner should see the exception the body threw), and the generator is
 *     closed. A {@link StopIteration} escaping the body becomes an {@link IllegalStateException} (PEP 479).
 * <li>{@code throwIn(e)} throws {@code e} at the yield where the body waits; into a generator that has not started,
 *     it closes it without running the body and throws {@code e}.
 * <li>{@code close()} throws {@link GeneratorExit} at the yield where the body waits; a body that yields again
 *     makes {@code close()} throw {@code IllegalStateException("generator ignored GeneratorExit")}. {@code close()}
 *     on a finished generator does nothing; on one that has not started, it marks it closed.
 * <li>A generator runs on the thread that resumed it, one caller at a time: resuming a running generator, from its
 *     own body or from another thread, throws {@code IllegalStateException("generator already executing")}.
 * </ul>
 *
 * <h2>Where Java differs</h2>
 * <ul>
 * <li>{@link #of} builds on the JDK's internal {@code jdk.internal.vm.Continuation}, the mechanism under virtual
 *     threads: every JVM that runs it needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}. It is
 *     stackful: a method the body calls can yield. But a yield fails (IllegalStateException, the continuation is
 *     <em>pinned</em>) when a native frame lies between the body and the yield: a call through JNI or the foreign
 *     function API, or a class's static initialiser.
 * <li>A suspended generator that nobody refers to any more is garbage-collected like any object, and its
 *     {@code finally} blocks never run: Python closes a generator when it is collected, Java does not. Close a
 *     generator you abandon ({@code try (var g = ...)}: it is {@link AutoCloseable}).
 * </ul>
 *
 * <p>Memory consistency: a generator may be resumed by different threads one after the other (never at once);
 * what the body did before it yielded happens-before what the next resuming thread does after its call returns,
 * and what a thread did before resuming the body happens-before what the body does next. Threads that take turns
 * take them under a {@code java.util.concurrent} lock, never inside {@code synchronized}: with HotSpot's lightweight
 * locking (JDK 25's default) a yield carries every monitor the thread has fast-locked, the caller's too, into the
 * suspended body, so the caller loses its monitor at the yield; a loop of {@code synchronized (lock) { g.send(x); }}
 * crashed the JVM in HotSpot's thaw (Temurin 25.0.3, x86-64 Linux). For the same reason the body must hold no lock
 * across a yield.
 *
 * @param <Y> what the body yields
 * @param <S> what the caller sends in
 * @param <R> what the body returns (the value of the final {@link StopIteration})
 */
public interface Generator<Y, S, R> extends Iterable<Y>, AutoCloseable {
    /** A generator's body: code that yields through {@code y}, and returns a value or throws. */
    @FunctionalInterface
    interface Body<Y, S, R> {
        R run(Yielder<Y, S> y) throws Exception;
    }

    /** Where a generator is, as Python's {@code inspect.getgeneratorstate} says. */
    enum State {
        /** Made, not started: the body has not run ({@code GEN_CREATED}). */
        CREATED,
        /** The body is running ({@code GEN_RUNNING}). */
        RUNNING,
        /** Paused at a yield, waiting to be resumed ({@code GEN_SUSPENDED}). */
        SUSPENDED,
        /** Finished: returned, threw, or closed ({@code GEN_CLOSED}). */
        CLOSED
    }

    /**
     * A generator running {@code body} on a continuation: each resume runs the body on the calling thread until it
     * yields or ends; no thread of its own.
     *
     * @throws UnsupportedOperationException if this JVM was started without
     *         {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}, saying so
     */
    static <Y, S, R> Generator<Y, S, R> of(Body<Y, S, R> body) {
        AbstractGenerator.requireContinuations();
        return new ContinuationGenerator<>(body);
    }

    /**
     * A generator running {@code body} on a thread of its own, made by {@code threads} when the body starts, and
     * handing each value over to the caller and back through {@link java.util.concurrent.SynchronousQueue}s: the
     * same rules as {@link #of}, at the price of a thread and two thread hand-offs per resume. An abandoned one
     * keeps its thread parked for ever; an interrupt of that thread while the body is suspended closes the
     * generator (as {@link #close} would).
     */
    static <Y, S, R> Generator<Y, S, R> onThread(Thread.Builder threads, Body<Y, S, R> body) {
        return new ThreadGenerator<>(threads, body);
    }

    /** {@code send(null)}: starts the body, or resumes it with null as the value of its yield. */
    Y next();

    /**
     * Resumes the body, which gets {@code value} as the value of the yield where it waits, and runs it to its next
     * yield: returns the value yielded.
     *
     * @throws StopIteration if the body returned (with its value), or had finished before
     * @throws IllegalStateException if the generator has not started and {@code value} is not null, or is running
     */
    Y send(S value);

    /**
     * Throws {@code error} into the body at the yield where it waits; returns the value of the next yield if the
     * body catches it and yields again.
     *
     * @throws StopIteration if the body then returns
     */
    Y throwIn(Throwable error);

    /** Throws {@link GeneratorExit} into the body at its yield, so that it ends (see the rules above). */
    @Override
    void close();

    /** Where the generator is: created, running, suspended or closed. */
    State state();

    /**
     * An iterator over the values the body yields: each {@code hasNext} runs the body to its next yield (once),
     * as a Python {@code for} loop calls {@code next} until {@code StopIteration}. Iterating resumes this
     * generator: iterators of one generator share it.
     */
    @Override
    default Iterator<Y> iterator() {
        return new Iterator<>() {
            /** The value taken from the generator by hasNext, not yet returned by next. */
            private Y ahead;
            private boolean hasAhead;

            @Override
            public boolean hasNext() {
                if (!hasAhead) {
                    try {
                        ahead = Generator.this.next();
                    } catch (StopIteration e) {
                        return false;
                    }
                    hasAhead = true;
                }
                return true;
            }

            @Override
            public Y next() {
                if (!hasNext()) throw new java.util.NoSuchElementException("the generator has finished");
                Y value = ahead;
                ahead = null;
                hasAhead = false;
                return value;
            }
        };
    }
}
