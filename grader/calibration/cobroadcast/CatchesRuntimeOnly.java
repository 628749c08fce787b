// fails: throws
// Forwards only RuntimeExceptions thrown in (catch (RuntimeException e), since throwIn declares no checked exception, and that also keeps GeneratorExit, an Error, out): a checked exception thrown in, such as the notebook's own new Exception("download error"), ends the stage, which closes its targets instead of throwing it into them.
import conclab.coro.Generator;
import conclab.coro.GeneratorExit;
import java.util.List;

/**
 * Coroutine pipelines in David Beazley's style: each stage is sent lines and sends them on to its targets. A stage
 * forwards what yieldFrom would, by hand: lines sent on, a close to its targets, an exception thrown in to its targets.
 */
class Sinks {
    /**
     * A coroutine that sends each line it is sent that contains {@code pattern} on to {@code target}. It is returned
     * started, ready to be sent a line. Closing it closes target; an exception thrown into it is thrown into target
     * (if target catches it and goes on, so does this stage; if not, it comes out of this stage too).
     */
    static Generator<Object, String, Object> grep(String pattern, Generator<?, ? super String, ?> target) {
        // BEGIN SOLUTION
        Generator<Object, String, Object> stage = Generator.of(y -> {
            try {
                while (true) {
                    String line;
                    try {
                        line = y.yield(null);
                    } catch (RuntimeException e) {        // throwIn declares no checked exception
                        target.throwIn(e);                // thrown in: on to target; if it lets e through, so do we
                        continue;
                    }
                    if (line.contains(pattern)) target.send(line);
                }
            } finally {
                target.close();
            }
        });
        stage.next();                                     // primed: waits at its first yield
        return stage;
        // END SOLUTION
    }

    /**
     * A coroutine that sends each line it is sent on to every target, in order. It is returned started. Closing it
     * closes every target; an exception thrown into it is thrown into each target in turn, until one lets it through:
     * that ends this stage (the targets not yet thrown into are closed) and the exception comes out of it.
     */
    static Generator<Object, String, Object> broadcast(List<? extends Generator<?, ? super String, ?>> targets) {
        // BEGIN SOLUTION
        Generator<Object, String, Object> stage = Generator.of(y -> {
            try {
                while (true) {
                    String line;
                    try {
                        line = y.yield(null);
                    } catch (RuntimeException e) {        // throwIn declares no checked exception
                        for (Generator<?, ? super String, ?> target : targets) target.throwIn(e);
                        continue;
                    }
                    for (Generator<?, ? super String, ?> target : targets) target.send(line);
                }
            } finally {
                for (Generator<?, ? super String, ?> target : targets) target.close();
            }
        });
        stage.next();
        return stage;
        // END SOLUTION
    }
}