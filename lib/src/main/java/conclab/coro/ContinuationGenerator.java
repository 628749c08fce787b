package conclab.coro;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * A generator whose body runs on a {@link Continuation}: {@code run()} mounts the body's frames on the calling
 * thread's stack and runs until the body yields ({@code Continuation.yield} unmounts them into a heap object) or
 * ends. No thread of its own; a suspended one is about a kilobyte of heap (12.6 measures it).
 *
 * <p>Each generator has a {@link ContinuationScope} of its own, so that a yield always suspends the generator whose
 * yielder was called, even when another generator runs inside its body.
 */
final class ContinuationGenerator<Y, S, R> extends AbstractGenerator<Y, S, R> {
    private final ContinuationScope scope = new ContinuationScope("conclab.coro.Generator");
    private final Continuation frames = new Frames(scope, this::runBody);
    /** What resumes the body: set by the caller before {@code frames.run()}, taken by the body after its yield. */
    private Object message;

    ContinuationGenerator(Body<Y, S, R> body) {
        super(body);
    }

    @Override
    boolean step(Object m) {
        message = m;
        frames.run();
        return !frames.isDone();
    }

    @Override
    Object suspend() {
        if (Continuation.getCurrentContinuation(scope) != frames) {
            throw new IllegalStateException("yield called outside the body of its generator: from another thread, or"
                    + " after the body ended, or with a Yielder kept from an earlier run");
        }
        Continuation.yield(scope); // returns when the caller runs the continuation again
        Object m = message;
        message = null;
        return m;
    }

    /** The body's continuation: says what pinned it when a yield fails, rather than the JDK's "Pinned: NATIVE". */
    private static final class Frames extends Continuation {
        Frames(ContinuationScope scope, Runnable body) {
            super(scope, body);
        }

        @Override
        protected void onPinned(Pinned reason) {
            throw new IllegalStateException("cannot yield: the generator's continuation is pinned (" + reason + "): "
                    + switch (reason) {
                        case NATIVE -> "a native frame lies between the body and the yield (a JNI or foreign"
                                + " function call, or a class's static initialiser); the JVM cannot move it to the heap";
                        case MONITOR -> "a monitor (synchronized) is held";
                        case CRITICAL_SECTION -> "the body is in a critical section (Continuation.pin)";
                        case EXCEPTION -> "an exception is being thrown";
                    });
        }
    }
}
