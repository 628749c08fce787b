package conclab.coro;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Python's rules of a generator, written once: the states and their changes, what each method does in each state,
 * and how the body's end is reported. Subclasses say how the body runs and pauses: on a continuation, or on a
 * thread of its own.
 *
 * <p>The state protocol: {@link #state} moves to RUNNING only by compare-and-set ({@link #claim}), so one caller at
 * a time resumes the body; that caller alone then touches the hand-over fields ({@link #yielded}, {@link #result},
 * {@link #failure}, and the subclass's message field) until it sets the state again, a volatile write that
 * publishes them to the next caller.
 */
abstract class AbstractGenerator<Y, S, R> implements Generator<Y, S, R>, Yielder<Y, S> {
    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AbstractGenerator.class, "state", State.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What resumes the body with an exception thrown at its yield, rather than a value (a value may be a Throwable). */
    record Thrown(Throwable error) {}

    private final Body<Y, S, R> body;
    /** Where the generator is; set to RUNNING only by {@link #claim}. */
    private volatile State state = State.CREATED;
    /** The value the body yielded last, until the caller takes it. */
    Y yielded;
    /** What the body returned, once it has. */
    R result;
    /** What the caller threw in at the body's last yield (body side; read by {@link #wasThrownIn}). */
    private Throwable thrownIn;
    /** What the body threw, once it has. */
    Throwable failure;

    AbstractGenerator(Body<Y, S, R> body) {
        this.body = body;
    }

    /**
     * Whether java.base exports jdk.internal.vm to this library: the JVM option the continuations need. Checked here,
     * not in ContinuationGenerator: the JVM cannot even load that class without the option.
     */
    private static final boolean EXPORTED =
            Object.class.getModule().isExported("jdk.internal.vm", AbstractGenerator.class.getModule());

    /** Throws, saying what to do, if the continuations are out of reach (the JVM was started without the export). */
    static void requireContinuations() {
        if (!EXPORTED) {
            throw new UnsupportedOperationException("conclab.coro.Generator.of runs on the JDK's internal continuations,"
                    + " and this JVM was started without access to them: start it with"
                    + " --add-exports java.base/jdk.internal.vm=ALL-UNNAMED (the course's kernel, grader and"
                    + " ./conclab scripts do), or use Generator.onThread, which needs no option");
        }
    }

    // ---------------------------------------------------------------- what a subclass provides

    /**
     * Resumes the body with {@code message} (a value sent, a {@link Thrown}, or null for the first start) and returns
     * when the body has yielded (true) or ended (false). Called by the caller that claimed the generator.
     */
    abstract boolean step(Object message);

    /** Hands control back to the caller and returns the message that resumes the body. Called from the body. */
    abstract Object suspend();

    // ---------------------------------------------------------------- the caller's side

    @Override
    public final Y next() {
        return send(null);
    }

    @Override
    public final Y send(S value) {
        State was = claim();
        if (was == State.CLOSED) throw new StopIteration(null);
        if (was == State.CREATED && value != null) {
            state = State.CREATED;
            throw new IllegalStateException("can't send non-null value to a just-started generator"
                    + " (start it with next() or send(null))");
        }
        return resume(value);
    }

    @Override
    public final Y throwIn(Throwable error) {
        State was = claim();
        if (was == State.CLOSED) throw sneaky(error);
        if (was == State.CREATED) {
            state = State.CLOSED; // the body never runs
            throw sneaky(error);
        }
        return resume(new Thrown(error));
    }

    @Override
    public final void close() {
        State was = claim();
        if (was == State.CLOSED) return;
        if (was == State.CREATED) {
            state = State.CLOSED;
            return;
        }
        try {
            resume(new Thrown(new GeneratorExit()));
        } catch (GeneratorExit | StopIteration ended) {
            return; // the body let GeneratorExit through, or returned: closed
        }
        throw new IllegalStateException("generator ignored GeneratorExit (its body yielded again after close())");
    }

    @Override
    public final State state() {
        return state;
    }

    @Override
    public String toString() {
        return "generator (" + state + ")";
    }

    /**
     * Moves the state from CREATED or SUSPENDED to RUNNING and returns which it was, or returns CLOSED.
     *
     * @throws IllegalStateException if the body is running
     */
    private State claim() {
        while (true) {
            State s = state;
            if (s == State.RUNNING) throw new IllegalStateException("generator already executing");
            if (s == State.CLOSED || STATE.compareAndSet(this, s, State.RUNNING)) return s;
        }
    }

    /** Runs the body with {@code message} until it yields (returns the value) or ends (throws how it ended). */
    private Y resume(Object message) {
        boolean suspended;
        try {
            suspended = step(message);
        } catch (RuntimeException | Error e) { // the machinery failed, not the body (the body's failures are caught)
            state = State.CLOSED;
            throw e;
        }
        if (suspended) {
            Y value = yielded;
            yielded = null;
            state = State.SUSPENDED;
            return value;
        }
        Throwable f = failure;
        R r = result;
        failure = null; // the generator may outlive them: do not keep them reachable
        result = null;
        state = State.CLOSED;
        if (f != null) throw sneaky(f);
        throw new StopIteration(r);
    }

    /** Closes the generator if it is suspended; true if it did. For a body that must end while nobody resumes it. */
    final boolean closeIfSuspended() {
        return STATE.compareAndSet(this, State.SUSPENDED, State.CLOSED);
    }

    // ---------------------------------------------------------------- the body's side

    /** Runs the body to its end, keeping what it returned or threw. Called once, where the body runs. */
    final void runBody() {
        try {
            result = body.run(this);
        } catch (StopIteration e) {
            failure = new IllegalStateException("generator raised StopIteration (PEP 479): a StopIteration escaped the"
                    + " body (raised there, or by a next() or send() past the end of another generator)", e);
        } catch (Throwable e) {
            failure = e;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public final S yield(Y value) {
        thrownIn = null;
        yielded = value;
        Object message;
        try {
            message = suspend();
        } catch (RuntimeException | Error e) { // could not pause: nothing was handed over
            yielded = null;
            throw e;
        }
        if (message instanceof Thrown t) {
            thrownIn = t.error();
            throw sneaky(t.error());
        }
        return (S) message;
    }

    /**
     * Whether {@code e}, which came out of this generator's {@link #yield}, is what the caller threw in there, not a
     * failure of the yield itself (pinned, or called outside the body): {@link Yielder#yieldFrom} forwards only the
     * former to its sub-generator. Called from the body, right after the yield.
     */
    final boolean wasThrownIn(Throwable e) {
        boolean was = e == thrownIn;
        thrownIn = null;
        return was;
    }

    /**
     * Throws {@code t} as it is, checked or not, from a method that does not declare it: Python's generators pass any
     * exception through, and wrapping it would hide the one the body threw. The generic {@code T} is inferred as
     * RuntimeException at the call site, so javac asks for no {@code throws} clause; at run time the cast is erased.
     */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
