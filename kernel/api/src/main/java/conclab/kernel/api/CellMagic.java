package conclab.kernel.api;

import java.util.List;

/** A cell magic, {@code %%name args} on a cell's first line: the rest of the cell is its body. */
@FunctionalInterface
public interface CellMagic {
    /**
     * Runs the magic; {@code bodyLine} is the cell line the body starts on (2), for
     * {@link MagicContext#eval}'s error positions.
     *
     * @throws MagicError for a mistake the learner can fix, shown as the cell's error with its hint
     */
    MagicResult run(MagicContext context, List<String> args, String body, int bodyLine) throws MagicError;
}
