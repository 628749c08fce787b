package conclab.grader;

import conclab.kernel.api.Html;
import conclab.kernel.api.KernelPlugin;
import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicError;
import conclab.kernel.api.MagicResult;
import conclab.kernel.api.Registry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The exercise cells, a kernel plug-in: {@code %%solution NAME} and {@code %%answer NAME} keep what a learner
 * wrote under the exercise's name, and {@code %check NAME} (or {@code check("NAME")} in Java, which asks the
 * kernel for {@code %check NAME}) checks it with the {@link Checker} in JVMs of its own, shows the feedback
 * table, and gives the points as the cell's value. {@code %%check NAME} checks the code of its own cell
 * instead, which is neither run nor kept (to show what a wrong version gets).
 *
 * <p>A check never throws and never writes to stderr: whatever goes wrong (no such exercise, a solution cell
 * not run yet) is said in the feedback and is worth 0 points. That is what nbgrader needs to grade a notebook
 * from its check cells: an error or stderr output means 0, a number is the points. Under nbgrader's
 * autograder ({@code NBGRADER_EXECUTION=autograde}) checks include the hidden tests.
 *
 * <p>The sources live in the kernel's JVM, so they survive a restart of the engine; they are kept in
 * concurrent maps (a magic asked for by code runs on a kernel thread of its own). The checker's class path is
 * this plug-in's folder (the grader jar and its libraries), given at registration.
 */
public final class ExerciseCells implements KernelPlugin {
    /** The jar that holds {@link conclab.grader.cells.NotebookChecks} alone, in this plug-in's folder. */
    static final String CELLS_JAR = "conclab-grader-cells.jar";
    /** Imported into every session, so that Java code can check: {@code int points = check("safe-counter");}. */
    static final String CHECK_IMPORT = "import static conclab.grader.cells.NotebookChecks.check;";

    /** A solution cell's code and the cell line it starts on. */
    record Solution(String code, int firstLine) {}

    private final Map<String, Solution> solutions = new ConcurrentHashMap<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    /** Set once, in {@link #register}, before any magic can run. */
    private volatile Checker checker;

    /** The public no-argument constructor {@link java.util.ServiceLoader} needs. */
    public ExerciseCells() {}

    @Override
    public void register(Registry registry) {
        checker = new Checker(Path.of(System.getProperty("java.home")), registry.classpath());
        registry.cellMagic("solution", "%%solution NAME: an exercise's solution cell: runs the code and keeps it for %check NAME",
                (ctx, args, body, bodyLine) -> solution(ctx, args, body, bodyLine));
        registry.cellMagic("answer", "%%answer NAME: the answer to a quiz question, kept for %check NAME",
                (ctx, args, body, bodyLine) -> answer(ctx, args, body));
        registry.lineMagic("check", "%check NAME: check the exercise's solution in a JVM of its own; the value is the points"
                + " (check(\"NAME\") does the same from Java)", this::check);
        registry.cellMagic("check", "%%check NAME: check the code of this cell as a solution of NAME, without running or keeping it",
                this::checkCell);
        // check("NAME") for Java code: a static import of a class compiled with the grader and packed in a jar of
        // its own, so that the engine's class path gets it without the rest of the grader (the hidden tests).
        Path cells = registry.classpath().stream().filter(p -> p.getFileName().toString().equals(CELLS_JAR)).findFirst()
                .orElseThrow(() -> new IllegalStateException(CELLS_JAR + " is missing from " + registry.classpath()));
        registry.engineJar(cells);
        registry.startupCode(CHECK_IMPORT);
    }

    /** {@code %%solution NAME}: keeps the code, then runs it like any cell. */
    MagicResult solution(MagicContext ctx, List<String> args, String body, int bodyLine) throws MagicError {
        Exercise ex = exercise(args, "%%solution", false);
        solutions.put(ex.name(), new Solution(body, bodyLine));
        return ctx.eval(body, bodyLine);
    }

    /** {@code %%answer NAME}: keeps the answer to a quiz question. */
    MagicResult answer(MagicContext ctx, List<String> args, String body) throws MagicError {
        Exercise ex = exercise(args, "%%answer", true);
        answers.put(ex.name(), body.strip());
        ctx.print("Answer to " + ex.name() + " kept: run its check cell.\n");
        return MagicResult.NOTHING;
    }

    /** {@code %check NAME}: the points, as the cell's value; the feedback is displayed. */
    MagicResult check(MagicContext ctx, List<String> args) throws MagicError {
        if (args.size() != 1) throw new MagicError("%check needs the exercise's name", "Example: %check safe-counter");
        return points(check(ctx, args.getFirst()));
    }

    /**
     * {@code %%check NAME}: checks the cell's code as a solution of NAME, without running it here or keeping
     * it: a wrong version can be shown failing beside the solution a learner keeps. The value is the points.
     */
    MagicResult checkCell(MagicContext ctx, List<String> args, String body, int bodyLine) throws MagicError {
        Exercise ex = exercise(args, "%%check", false);
        return points(check(ctx, ex, body, bodyLine, "this cell"));
    }

    private static MagicResult points(int points) {
        return MagicResult.text(Integer.toString(points));
    }

    private Exercise exercise(List<String> args, String magic, boolean quiz) throws MagicError {
        if (args.size() != 1) {
            throw new MagicError(magic + " needs the exercise's name", "Example: " + magic + (quiz ? " quiz-count-race" : " safe-counter"));
        }
        Exercise ex = Catalog.get().find(args.getFirst());
        if (ex == null) {
            throw new MagicError("There is no exercise " + args.getFirst(), "The exercises are: " + names() + ".");
        }
        if (ex.isQuiz() != quiz) {
            throw new MagicError(ex.name() + (quiz ? " is a code exercise" : " is a quiz question"),
                    "Its cell starts with " + (quiz ? "%%solution " : "%%answer ") + ex.name() + ".");
        }
        return ex;
    }

    private static String names() {
        return String.join(", ", Catalog.get().all().stream().map(Exercise::name).toList());
    }

    /**
     * Checks exercise {@code name} for the cell of {@code ctx}: shows "checking" at once, replaces it with the
     * feedback, and returns the points. Stops early, with 0 points, when the cell is stopped.
     */
    int check(MagicContext ctx, String name) {
        Exercise ex = Catalog.get().find(name);
        if (ex == null) return problem(ctx, null, "There is no exercise " + name + ". The exercises are: " + names() + ".");
        if (ex.isQuiz()) {
            String answer = answers.get(name);
            if (answer == null) return problem(ctx, null, "Run the answer cell of " + name + " first (the cell that starts with %%answer " + name + ").");
            return check(ctx, ex, answer, 2, Checker.SOLUTION_CELL);
        }
        Solution s = solutions.get(name);
        if (s == null) return problem(ctx, null, "Run the solution cell of " + name + " first (the cell that starts with %%solution " + name + ").");
        return check(ctx, ex, s.code(), s.firstLine(), Checker.SOLUTION_CELL);
    }

    /** Checks {@code source}, whose first line is line {@code firstLine} of {@code code} ("your solution cell"). */
    private int check(MagicContext ctx, Exercise ex, String source, int firstLine, String code) {
        String name = ex.name();
        Scope scope = "autograde".equals(System.getenv("NBGRADER_EXECUTION")) ? Scope.ALL : Scope.PUBLIC;
        String display = null;
        if (!ex.isQuiz()) {
            display = ctx.display(Map.of("text/plain", "Checking " + name + "…",
                    "text/html", "<p><i>Checking " + name + (scope == Scope.ALL ? " with all tests" : "") + "…</i></p>"));
        }
        Checker c = checker;
        Outcome outcome;
        try {
            outcome = runStoppable(ctx, () -> c.check(ex, source, firstLine, code, scope));
        } catch (RuntimeException e) {  // the grader itself is broken: say so, it is not the learner's doing
            return problem(ctx, display, "The grader failed while checking " + name + " (" + e + ")."
                    + " This is not your code's fault: reinstall the course (./conclab lab) and check again.");
        }
        if (outcome == null) return problem(ctx, display, "The check of " + name + " was stopped.");
        show(ctx, display, Map.of("text/plain", Feedback.text(outcome), "text/html", Feedback.html(outcome)));
        return outcome.points();
    }

    /**
     * Runs the check on a thread of its own, interrupting it (which kills its JVMs) if the cell is stopped;
     * null if it was stopped. What the check threw is thrown here, on the magic's thread.
     */
    static Outcome runStoppable(MagicContext ctx, Supplier<Outcome> check) {
        AtomicReference<Outcome> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("conclab-check").daemon().start(() -> {
            try {
                result.set(check.get());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        try {
            while (t.isAlive()) {
                t.join(50);
                if (ctx.isStopping()) {
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
        if (failure.get() != null) throw failure.get();  // join made the thread's writes visible
        return result.get();
    }

    /** Says what went wrong, replacing the "checking" line if there is one; 0 points. */
    private static int problem(MagicContext ctx, String display, String message) {
        show(ctx, display, Map.of("text/plain", message, "text/html", "<p>" + Html.escape(message) + "</p>"));
        return 0;
    }

    private static void show(MagicContext ctx, String display, Map<String, String> bundle) {
        if (display == null) ctx.display(bundle);
        else ctx.updateDisplay(display, bundle);
    }
}
