package conclab.grader.probe;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * Lincheck's model checking with a budget set here, never Lincheck's defaults (which take minutes on
 * correct code, the expensive case: the checker must use its whole budget to pass it). The test class given
 * is a Lincheck specification: public, with {@code @Operation} methods that call the learner's class.
 *
 * <p>Model checking explores thread interleavings under sequential consistency: it finds check-then-act
 * and lost-update races reproducibly, with the interleaving as evidence, but not missing {@code volatile}s.
 */
public final class ModelCheck {
    private ModelCheck() {}

    /**
     * Checks that every concurrent execution of {@code spec}'s operations is explained by some one-at-a-time
     * order of the same calls (linearizability).
     *
     * @param iterations  random scenarios tried
     * @param invocations interleavings explored per scenario
     * @throws AssertionError with Lincheck's scenario and interleaving when one is not
     */
    public static void linearizable(Class<?> spec, int iterations, int invocations) {
        try {
            options(iterations, invocations).check(spec);
        } catch (LincheckAssertionError e) {
            throw new AssertionError("Lincheck found calls running at the same time whose results no "
                    + "one-at-a-time order of the same calls can give:\n" + report(e.getMessage()), e);
        }
    }

    /**
     * Checks that no interleaving of {@code spec}'s operations breaks what its {@code @Validate} methods check
     * after each execution: an invariant, such as "no money is created or lost", that a lost update breaks
     * whatever the operations return. Linearizability is checked too (trivial for operations that return
     * nothing); a deadlock among the operations fails as well, and the message says which of these it was.
     *
     * @param invariant   what the validation checks, in a learner's words, for the message
     * @param iterations  random scenarios tried
     * @param invocations interleavings explored per scenario
     * @throws AssertionError with Lincheck's scenario and interleaving when one breaks the invariant
     */
    public static void keeps(Class<?> spec, String invariant, int iterations, int invocations) {
        try {
            options(iterations, invocations).check(spec);
        } catch (LincheckAssertionError e) {
            String report = report(e.getMessage());
            String what = report.contains("= Validation function") ? "after one interleaving " + invariant + " no longer held"
                    : report.contains("hung") ? "in one interleaving the calls never finished (a deadlock, or a loop"
                            + " that does not end), so " + invariant + " could not be checked"
                    : "one interleaving failed";
            throw new AssertionError("Lincheck's model checker ran calls on two threads, and " + what + ":\n" + report, e);
        }
    }

    /** Small scenarios: two threads of two calls each, one call before them and one after. */
    private static ModelCheckingOptions options(int iterations, int invocations) {
        return new ModelCheckingOptions()
                .iterations(iterations)
                .invocationsPerIteration(invocations)
                .threads(2)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1);
    }

    /** Lincheck's report without the detailed trace, which repeats the interleaving with every frame. */
    static String report(String message) {
        if (message == null) return "";
        int detailed = message.indexOf("Detailed trace:");
        String s = detailed < 0 ? message : message.substring(0, detailed);
        return s.strip();
    }
}
