package conclab.grader;

import java.util.List;

/**
 * What one check found: a result per graded property, and for a run that went wrong as a whole (code that
 * does not compile, a JVM that was killed) a verdict saying why. Immutable.
 *
 * @param exercise the exercise checked
 * @param scope    which properties were checked
 * @param results  one per property in {@code exercise.props(scope)}, in that order
 * @param verdict  null when every property ran; otherwise one sentence for the learner
 * @param details  compiler messages and the like, shown under the verdict (may be empty)
 * @param output   the start of what the learner's code printed (may be empty)
 */
public record Outcome(Exercise exercise, Scope scope, List<Result> results, String verdict, String details,
                      String output) {

    /** How a property fared. */
    public enum Status {
        PASSED, FAILED,
        /** The code still throws the release's "exercise not done yet". */
        NOT_DONE,
        /** The property's test never ran: the run ended before (see the verdict). */
        NOT_RUN
    }

    /** One property's result; {@code evidence} says, for a failure, what was seen (may be empty). */
    public record Result(Exercise.Prop prop, Status status, String evidence) {
        public int points() {
            return status == Status.PASSED ? prop.points() : 0;
        }
    }

    public Outcome {
        results = List.copyOf(results);
        details = details == null ? "" : details;
        output = output == null ? "" : output;
    }

    /** The points earned. */
    public int points() {
        return results.stream().mapToInt(Result::points).sum();
    }

    /** The points this check could give. */
    public int max() {
        return exercise.maxPoints(scope);
    }

    /** True when no property got further than "not done yet" (or never ran because of that). */
    public boolean notDone() {
        return results.stream().allMatch(r -> r.status() == Status.NOT_DONE)
                || (verdict != null && verdict.startsWith(NOT_DONE_VERDICT));
    }

    static final String NOT_DONE_VERDICT = "Not done yet";

    /** Every property with the same status and evidence: for a run that ended before any test. */
    static Outcome whole(Exercise exercise, Scope scope, Status status, String verdict, String details,
                         String output) {
        List<Result> rs = exercise.props(scope).stream().map(p -> new Result(p, status, "")).toList();
        return new Outcome(exercise, scope, rs, verdict, details, output);
    }
}
