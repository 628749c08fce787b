package conclab.coro;

/**
 * Thrown into a suspended generator's body, at the {@code yield} where it waits, by {@link Generator#close}: the
 * body's {@code finally} blocks run, and the body should end. A body that yields again instead makes
 * {@code close()} throw ("generator ignored GeneratorExit").
 *
 * <p>It is an {@link Error}, not an {@link Exception}, so that {@code catch (Exception e)} in a body cannot swallow
 * it, as Python's {@code GeneratorExit} derives from {@code BaseException} and not from {@code Exception}. It
 * carries no stack trace: it is a signal to the body, thrown where the body is suspended.
 */
public final class GeneratorExit extends Error {
    private static final long serialVersionUID = 1L;

    public GeneratorExit() {
        super(null, null, false, false);
    }
}
