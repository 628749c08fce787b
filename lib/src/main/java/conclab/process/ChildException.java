package conclab.process;

/**
 * A task failed in a child JVM: it threw (the message holds the child's stack trace), or the child ended
 * or was killed while running it.
 */
public final class ChildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The child's process id. */
    private final long pid;

    ChildException(long pid, String message) {
        super(message);
        this.pid = pid;
    }

    /** The process id of the child that ran the task. */
    public long pid() {
        return pid;
    }
}
