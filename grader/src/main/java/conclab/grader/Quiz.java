package conclab.grader;

import conclab.grader.Outcome.Result;
import conclab.grader.Outcome.Status;
import java.util.List;

/**
 * Checks the answer to a quiz question. A wrong answer gets the question's hint, never the right answer; a
 * right one gets the explanation. The answer is the body of an {@code %%answer NAME} cell.
 */
final class Quiz {
    /** What the released notebook has in the answer cell: "not answered yet". */
    static final String UNANSWERED = "?";

    private Quiz() {}

    /**
     * The answer in an answer cell's body: its lines without {@code //} comments, joined. (The instructor's
     * version marks the answer with {@code // BEGIN SOLUTION} lines, which nbgrader replaces by its Java
     * stub; that counts as no answer.)
     */
    static String text(String body) {
        if (body == null) return "";
        return String.join(" ", body.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("//")).toList());
    }

    static Outcome check(Exercise quiz, String answer) {
        Exercise.Prop prop = quiz.props().getFirst();
        String given = text(answer);
        if (given.isEmpty() || given.equals(UNANSWERED) || given.startsWith("throw new UnsupportedOperationException")) {
            return new Outcome(quiz, Scope.ALL, List.of(new Result(prop, Status.NOT_DONE, "")),
                    Outcome.NOT_DONE_VERDICT + ": write your answer in place of the " + UNANSWERED
                            + (quiz.kind() == Exercise.Kind.CHOICE ? " (one of " + String.join(", ", quiz.choices()) + ")" : "")
                            + ", run that cell, then this one.", "", "");
        }
        if (quiz.kind() == Exercise.Kind.CHOICE && quiz.choices().stream().noneMatch(given::equalsIgnoreCase)) {
            return new Outcome(quiz, Scope.ALL, List.of(new Result(prop, Status.FAILED,
                    "\"" + given + "\" is not one of the choices " + String.join(", ", quiz.choices()) + ".")), null, "", "");
        }
        if (quiz.accepts(given)) {
            return new Outcome(quiz, Scope.ALL, List.of(new Result(prop, Status.PASSED, quiz.explain())), null, "", "");
        }
        String hint = quiz.hint().isEmpty() ? "Not this one." : "Not this one. " + quiz.hint();
        return new Outcome(quiz, Scope.ALL, List.of(new Result(prop, Status.FAILED, hint)), null, "", "");
    }
}
