package conclab.process;

/**
 * The "a global variable is not shared" demo: a static field, which a child JVM running {@link #main} prints,
 * changes and prints again. The child loads the class afresh: it sees the field's initial value, not this
 * JVM's, and what it writes stays in its own memory.
 */
public final class NotShared {
    private NotShared() {}

    /** The original's global variable. */
    public static int value = 1;

    public static void main(String[] args) {
        long me = ProcessHandle.current().pid();
        System.out.println("child " + me + ": value = " + value);
        value += 1;
        System.out.println("child " + me + ": value += 1, now value = " + value);
    }
}
