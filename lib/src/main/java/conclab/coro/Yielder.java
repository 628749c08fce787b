package conclab.coro;

/**
 * What a generator's body yields through: the {@code yield} of Python, as an object handed to the body.
 *
 * <pre>{@code
 * Generator<String, String, String> gen = Generator.of(y -> {
 *     String html = y.yield("http://projectsedu.com");   // pauses; the value sent next is what yield returns
 *     System.out.println(html);
 *     return "bobby";                                    // ends: the caller's send throws StopIteration("bobby")
 * });
 * }</pre>
 *
 * <p>{@code yield} is a restricted identifier in Java, so the method is always called qualified: {@code y.yield(v)}.
 * Any method the body calls may yield, if it is handed {@code y}: a generator built on a continuation is
 * <em>stackful</em>, so the yield suspends every frame between the body and the call.
 *
 * @param <Y> what the body yields
 * @param <S> what the caller sends in
 */
public interface Yielder<Y, S> {
    /**
     * Hands {@code value} to the caller (the {@code next}, {@code send} or {@code throwIn} that resumed the body
     * returns it) and suspends the body until the caller resumes it. Returns what the caller sent, null for
     * {@link Generator#next}; throws what the caller threw in with {@link Generator#throwIn}, and a
     * {@link GeneratorExit} if the caller closed the generator.
     *
     * @throws IllegalStateException if called outside the body of this yielder's generator (after it ended, or from
     *         another thread), or, for a generator built on a continuation, if the body's stack is pinned: a native
     *         frame (a JNI or foreign call, a class's static initialiser) lies between the body and this call
     */
    S yield(Y value);

    /**
     * Runs {@code sub} to its end inside this body, as Python's {@code yield from} (PEP 380): each value it yields
     * is yielded to this generator's caller; what the caller sends, throws in, or closes with is passed on to
     * {@code sub}; and the value {@code sub} returns is this method's value.
     *
     * <p>The code is the Java form of the expansion PEP 380 gives for {@code RESULT = yield from EXPR}, with
     * {@code _i} = {@code sub}, {@code _y} = {@code value} and {@code _s} = {@code sent}.
     *
     * <p>One difference: in Python, {@code _s = yield _y} can raise only what the caller threw in. In Java the yield
     * itself can fail ({@link #yield} throws IllegalStateException when the continuation is pinned or when it is
     * called outside the body): such a failure is not thrown into {@code sub}; {@code sub} is closed and the failure
     * comes out of this method.
     */
    @SuppressWarnings("unchecked")
    default <T> T yieldFrom(Generator<? extends Y, ? super S, T> sub) {
        Y value;
        try {
            value = sub.next();                                        // _y = next(_i)
        } catch (StopIteration e) {
            return (T) e.value();                                      // it ended at once: _r = _e.value
        }
        while (true) {
            S sent;
            try {
                sent = this.yield(value);                              // _s = yield _y
            } catch (GeneratorExit e) {
                sub.close();                                           // closed: close the sub-generator too
                throw e;
            } catch (Throwable e) {
                if (!thrownIn(e)) {                                    // the yield itself failed (Java only: pinned,
                    sub.close();                                       // or outside the body): not the caller's
                    throw e;
                }
                try {
                    value = sub.throwIn(e);                            // thrown in: throw it into the sub-generator
                } catch (StopIteration s) {
                    return (T) s.value();
                }
                continue;
            }
            try {
                value = sub.send(sent);                                // sent: send it to the sub-generator
            } catch (StopIteration s) {
                return (T) s.value();
            }
        }
    }

    /**
     * Whether {@code e}, which came out of {@link #yield}, is what the caller threw in there ({@code throwIn} or
     * {@code close}), rather than a failure of the yield itself. Only the library's generators can tell; for any
     * other Yielder, everything is taken as thrown in.
     */
    private boolean thrownIn(Throwable e) {
        return !(this instanceof AbstractGenerator<?, ?, ?> g) || g.wasThrownIn(e);
    }
}
