package conclab.coro;

/**
 * Thrown by the call ({@link Generator#next}, {@link Generator#send}, {@link Generator#throwIn}) that finds the
 * generator's body finished, carrying what the body returned: Python's {@code StopIteration}, whose {@code value}
 * is the {@code return} value of a generator.
 *
 * <p>It is how a generator says it is done, not a failure, so it carries no stack trace (filling one in would cost
 * more than the rest of a {@code send}). A {@code StopIteration} that escapes a generator's body (an inner
 * {@code next()} past the end, not caught) does not end the outer generator quietly: it becomes an
 * {@link IllegalStateException}, as PEP 479 made it a {@code RuntimeError} in Python.
 */
public final class StopIteration extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the body returned; null for a body that returned null, or a generator that was closed. */
    private final transient Object value;

    /** A StopIteration carrying {@code value}, the body's return value. */
    public StopIteration(Object value) {
        super(value == null ? null : String.valueOf(value), null, false, false);
        this.value = value;
    }

    /** What the generator's body returned (Python's {@code StopIteration.value}). */
    public Object value() {
        return value;
    }
}
