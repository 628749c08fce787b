package conclab.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The errors a cell ends with when it did not end by itself: it was stopped (the stop button, a time limit),
 * or its engine died under it. Each says what happened, what the cell's own code threw if that explains it,
 * and what the learner should do; never a stack trace of the kernel's. Pure functions of their arguments.
 */
final class EndReports {
    private EndReports() {}

    /**
     * Why a stopped cell stopped, as its error; {@code cause} is what the cell itself threw when it was
     * stopped (typically an InterruptedException), or null.
     */
    static ErrorReport stopped(CellRun run, ErrorReport cause, Options options) {
        String why = switch (run.stopReason) {
            case "timeout" -> "The cell ran longer than its time limit of " + human(options.timeout()) + " (CONCLAB_TIMEOUT) and was stopped.";
            case "cell-limit" -> "The cell ran longer than its time limit of " + human(run.cellLimit) + " (%%timeout) and was stopped.";
            default -> "The cell was interrupted.";
        };
        if (cause != null && cause.name().equals("EngineRestarted")) return cause;  // says more: the variables are gone
        List<String> lines = new ArrayList<>();
        lines.add(Errors.BOLD_RED + why + Errors.RESET);
        if (cause != null) {
            lines.add("Its code ended with " + cause.name() + (cause.value().isEmpty() ? "" : ": " + cause.value())
                    + (cause.traceback().size() > 1 ? ", at:" : "."));
            lines.addAll(cause.traceback().subList(Math.min(1, cause.traceback().size()), cause.traceback().size()));
        }
        return new ErrorReport("Interrupted", why, lines);
    }

    /**
     * The error of a cell during which the engine died, for the reason {@code why}. {@code cause} is the error
     * the cell's code ended with, if any (shown when it explains the end, like an OutOfMemoryError).
     */
    static ErrorReport engineEnded(String why, ErrorReport cause, Options options) {
        List<String> lines = new ArrayList<>();
        lines.add(Errors.BOLD_RED + why + Errors.RESET);
        if (cause != null && cause.name().equals("OutOfMemoryError")) {
            lines.addAll(cause.traceback());
            lines.add("The engine's heap is limited by CONCLAB_JVM_OPTS (now " + maxHeap(options) + "); an -Xmx there"
                    + " sets it.");
        }
        lines.add("All variables, methods and classes defined so far are gone: a new engine is starting.");
        lines.add("Run the cells you need again (Run > Run All Above Selected Cell).");
        return new ErrorReport("EngineRestarted", why, lines);
    }

    private static String maxHeap(Options options) {
        List<String> jvm = options.engineJvmOptions();
        Optional<String> xmx = jvm.stream().filter(o -> o.startsWith("-Xmx")).reduce((a, b) -> b);
        if (xmx.isPresent()) return xmx.get(); // it wins over the percentages
        String sizing = String.join(" ", jvm.stream().filter(o -> o.startsWith("-XX:MaxRAMPercentage=")
                || o.startsWith("-XX:ErgoHeapSizeLimit=") || o.startsWith("-XX:MaxRAM=")).toList());
        return sizing.isEmpty() ? "the JVM's default, a quarter of the memory" : sizing + ", a share of the memory";
    }

    /** A duration as a learner writes it: 90 s, 2 min, 500 ms. */
    static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? (s / 60) + " min" : d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
    }
}
