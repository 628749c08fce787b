package conclab.kernel;

import conclab.grader.Catalog;
import conclab.grader.Checker;
import conclab.grader.Exercise;
import conclab.grader.Feedback;
import conclab.grader.Outcome;
import conclab.grader.Scope;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The exercise cells: {@code %%solution NAME} and {@code %%answer NAME} keep what a learner wrote under the
 * exercise's name, and {@code %check NAME} (or {@code check("NAME")} in Java) checks it with the grader in
 * JVMs of its own, shows the feedback table, and gives the points as the cell's value. {@code %%check NAME}
 * checks the code of its own cell instead, which is neither run nor kept (to show what a wrong version gets).
 *
 * <p>A check never throws and never writes to stderr: whatever goes wrong (no such exercise, a solution
 * cell not run yet, a missing grader) is said in the feedback and is worth 0 points. That is what nbgrader
 * needs to grade a notebook from its check cells: an error or stderr output means 0, a number is the points.
 * Under nbgrader's autograder ({@code NBGRADER_EXECUTION=autograde}) checks include the hidden tests.
 *
 * <p>The sources are kept in the kernel, so they survive a restart of the engine; guarded by the maps.
 */
final class Exercises {
    /** A solution cell's code and the cell line it starts on. */
    record Solution(String code, int firstLine) {}

    private final Map<String, Solution> solutions = new ConcurrentHashMap<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Outputs outputs;
    private volatile Checker checker;

    Exercises(Outputs outputs) {
        this.outputs = outputs;
    }

    /** {@code %%solution NAME}: keeps the code, then runs it like any cell. */
    Session.Result solution(Magics.Context ctx, List<String> args, String body, int bodyLine) throws Magics.MagicError {
        Exercise ex = exercise(args, "%%solution", false);
        solutions.put(ex.name(), new Solution(body, bodyLine));
        return ctx.eval(body, bodyLine);
    }

    /** {@code %%answer NAME}: keeps the answer to a quiz question. */
    Session.Result answer(Magics.Context ctx, List<String> args, String body) throws Magics.MagicError {
        Exercise ex = exercise(args, "%%answer", true);
        answers.put(ex.name(), body.strip());
        ctx.print("Answer to " + ex.name() + " kept: run its check cell.\n");
        return Session.Result.NOTHING;
    }

    /** {@code %check NAME}: the points, as the cell's value; the feedback is displayed. */
    Session.Result check(Magics.Context ctx, List<String> args) throws Magics.MagicError {
        if (args.size() != 1) throw new Magics.MagicError("%check needs the exercise's name", "Example: %check safe-counter");
        int points = check(ctx.run(), args.getFirst());
        return new Session.Result(Map.of("text/plain", Integer.toString(points)), null);
    }

    private Exercise exercise(List<String> args, String magic, boolean quiz) throws Magics.MagicError {
        if (args.size() != 1) {
            throw new Magics.MagicError(magic + " needs the exercise's name", "Example: " + magic + (quiz ? " quiz-count-race" : " safe-counter"));
        }
        Exercise ex = Catalog.get().find(args.getFirst());
        if (ex == null) {
            throw new Magics.MagicError("There is no exercise " + args.getFirst(), "The exercises are: " + names() + ".");
        }
        if (ex.isQuiz() != quiz) {
            throw new Magics.MagicError(ex.name() + (quiz ? " is a code exercise" : " is a quiz question"),
                    "Its cell starts with " + (quiz ? "%%solution " : "%%answer ") + ex.name() + ".");
        }
        return ex;
    }

    private static String names() {
        return String.join(", ", Catalog.get().all().stream().map(Exercise::name).toList());
    }

    /**
     * Checks exercise {@code name} for {@code run}: shows "checking" at once, replaces it with the feedback,
     * and returns the points. Stops early, with 0 points, when the run is stopped.
     */
    int check(Run run, String name) {
        String display = UUID.randomUUID().toString();
        Exercise ex = Catalog.get().find(name);
        if (ex == null) return problem(run, display, "There is no exercise " + name + ". The exercises are: " + names() + ".");
        String source;
        int firstLine;
        if (ex.isQuiz()) {
            source = answers.get(name);
            firstLine = 2;
            if (source == null) return problem(run, display, "Run the answer cell of " + name + " first (the cell that starts with %%answer " + name + ").");
        } else {
            Solution s = solutions.get(name);
            if (s == null) return problem(run, display, "Run the solution cell of " + name + " first (the cell that starts with %%solution " + name + ").");
            source = s.code();
            firstLine = s.firstLine();
        }
        return check(run, display, ex, source, firstLine);
    }

    /**
     * {@code %%check NAME}: checks the cell's code as a solution of NAME, without running it here or keeping
     * it: a wrong version can be shown failing beside the solution a learner keeps. The value is the points.
     */
    Session.Result checkCell(Magics.Context ctx, List<String> args, String body, int bodyLine) throws Magics.MagicError {
        Exercise ex = exercise(args, "%%check", false);
        int points = check(ctx.run(), UUID.randomUUID().toString(), ex, body, bodyLine);
        return new Session.Result(Map.of("text/plain", Integer.toString(points)), null);
    }

    private int check(Run run, String display, Exercise ex, String source, int firstLine) {
        String name = ex.name();
        Checker c = checker();
        if (c == null) {
            return problem(run, display, "The grader is not installed beside the kernel (" + Options.kernelJar().getParent().resolve("grader")
                    + "): install the kernel again (./conclab lab does).");
        }
        Scope scope = "autograde".equals(System.getenv("NBGRADER_EXECUTION")) ? Scope.ALL : Scope.PUBLIC;
        if (!ex.isQuiz()) {
            outputs.display(run.id, display, false, Map.of("text/plain", "Checking " + name + "…",
                    "text/html", "<p><i>Checking " + name + (scope == Scope.ALL ? " with all tests" : "") + "…</i></p>"));
        }
        Outcome outcome = runStoppable(run, () -> c.check(ex, source, firstLine, scope));
        if (outcome == null) return problem(run, display, !ex.isQuiz(), "The check of " + name + " was stopped.");
        outputs.display(run.id, display, !ex.isQuiz(), Map.of("text/plain", Feedback.text(outcome), "text/html", Feedback.html(outcome)));
        return outcome.points();
    }

    /** Runs the check on a thread of its own, interrupting it (which kills its JVMs) if the run is stopped. */
    private static Outcome runStoppable(Run run, java.util.function.Supplier<Outcome> check) {
        AtomicReference<Outcome> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("conclab-check").daemon().start(() -> result.set(check.get()));
        try {
            while (t.isAlive()) {
                t.join(50);
                if (run.isStopping()) {
                    t.interrupt();
                    t.join(5000);
                    return null;
                }
            }
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            return null;
        }
        return result.get();
    }

    private int problem(Run run, String display, String message) {
        return problem(run, display, false, message);
    }

    private int problem(Run run, String display, boolean update, String message) {
        outputs.display(run.id, display, update, Map.of("text/plain", message,
                "text/html", "<p>" + message.replace("&", "&amp;").replace("<", "&lt;") + "</p>"));
        return 0;
    }

    private Checker checker() {
        Checker c = checker;
        if (c == null) {
            List<Path> cp = Options.graderClasspath();
            if (cp.stream().noneMatch(p -> p.getFileName().toString().startsWith("conclab-grader"))) return null;
            checker = c = new Checker(Path.of(System.getProperty("java.home")), cp);
        }
        return c;
    }
}
