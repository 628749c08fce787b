package conclab.grader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The students' warm compilers ({@link WarmCompiler}) during one grading: one per student, made when the student's
 * first exercise is graded and closed after their last, so that no two students ever share a compiler JVM.
 *
 * <p>Invariant: a compiler is only ever handed out for the student it was made for; once a student is done, their
 * compiler is closed and forgotten, and the grading hands out nothing more for them. Once this is closed, no compiler
 * is made any more: a check still under way then compiles cold.
 *
 * <p>Thread-safe: {@link #compilers}, {@link #left} and {@link #closed} are guarded by this object. Closing a compiler happens outside
 * the lock, since it waits for a compile under way.
 */
final class StudentCompilers implements AutoCloseable {
    /** Makes a compiler, or null: the grading compiles cold. */
    private final Supplier<WarmCompiler> make;
    /** Each student's compiler, from their first exercise until their last is graded. */
    private final Map<String, WarmCompiler> compilers = new HashMap<>();
    /** Each student's exercises not graded yet. */
    private final Map<String, Integer> left;
    /** Set by {@link #close}: {@link #of} hands out no compiler after it. */
    private boolean closed;

    /**
     * @param make      makes a student's compiler (its JVM starts at its first compile); null for none at all
     * @param exercises how many exercises each student has to grade
     */
    StudentCompilers(Supplier<WarmCompiler> make, Map<String, Integer> exercises) {
        this.make = make;
        this.left = new HashMap<>(exercises);
    }

    /** The compiler of {@code student}, or null when the grading compiles cold (or has stopped). */
    synchronized WarmCompiler of(String student) {
        if (make == null || closed) return null;
        if (!left.containsKey(student)) throw new IllegalStateException(student + " has no exercises left to grade");
        return compilers.computeIfAbsent(student, s -> make.get());
    }

    /** One exercise of {@code student} is graded: after the last, their compiler's JVM ends. */
    void done(String student) {
        WarmCompiler finished;
        synchronized (this) {
            Integer n = left.get(student);
            if (n == null) throw new IllegalStateException(student + " has no exercises left to grade");
            if (n > 1) {
                left.put(student, n - 1);
                return;
            }
            left.remove(student);
            finished = compilers.remove(student);
        }
        if (finished != null) finished.close();
    }

    /** Ends every compiler still running (a grading that stopped early). */
    @Override
    public void close() {
        List<WarmCompiler> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(compilers.values());
            compilers.clear();
        }
        all.forEach(WarmCompiler::close);
    }
}
