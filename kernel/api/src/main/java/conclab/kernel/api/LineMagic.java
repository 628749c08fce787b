package conclab.kernel.api;

import java.util.List;

/** A line magic, {@code %name args}: runs on the kernel's shell thread while its cell runs. */
@FunctionalInterface
public interface LineMagic {
    /**
     * Runs the magic with its arguments (split like a shell does: quotes group, no globbing); returns the
     * cell part's value.
     *
     * @throws MagicError for a mistake the learner can fix, shown as the cell's error with its hint
     */
    MagicResult run(MagicContext context, List<String> args) throws MagicError;
}
