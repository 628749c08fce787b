package conclab.process;

/**
 * A task that a {@link ProcessPool} runs in a child JVM: text in, text out.
 *
 * <p>Implementations are public classes of this library with a public no-argument constructor (the child
 * creates one per task, by name): a child JVM cannot see classes defined in notebook cells. What
 * {@link #run} prints on {@code System.out} and {@code System.err} appears in the parent, marked with the
 * child's pid; what it throws fails the task's future with a {@link ChildException}.
 */
@FunctionalInterface
public interface ChildTask {
    /** Computes the answer to {@code input}; runs in a child JVM. */
    String run(String input) throws Exception;
}
