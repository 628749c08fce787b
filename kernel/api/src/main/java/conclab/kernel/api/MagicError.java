package conclab.kernel.api;

/**
 * A mistake in how a magic was used that the learner can fix (a missing argument, a name that names
 * nothing): shown as the cell's error, in red, with the hint below it; never as a stack trace.
 */
public final class MagicError extends Exception {
    private static final long serialVersionUID = 1L;
    private final String hint;

    /** {@code message} says what is wrong, {@code hint} what to do (an example of the right use). */
    public MagicError(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}
