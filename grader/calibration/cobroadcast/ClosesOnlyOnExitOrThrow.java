// fails: lets-through
// No finally: the stages close their targets only when closed (catch GeneratorExit) and when an exception thrown in
// comes back out of a target (catch Throwable around the throwIn loop). A sink that fails on a line sent ends the
// stages with its exception, and leaves the other sinks open.
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
        Generator<Object, String, Object> stage = Generator.of(y -> {
            while (true) {
                String line;
                try {
                    line = y.yield(null);
                } catch (GeneratorExit e) {
                    target.close();                       // closed: close target
                    throw e;
                } catch (Throwable e) {
                    try {
                        target.throwIn(e);                // thrown in: on to target
                    } catch (Throwable out) {
                        target.close();                   // it let e through: close target, and let it out
                        throw out;
                    }
                    continue;
                }
                if (line.contains(pattern)) target.send(line);
            }
        });
        stage.next();                                     // primed: waits at its first yield
        return stage;
    }

    /**
     * A coroutine that sends each line it is sent on to every target, in order. It is returned started. Closing it
     * closes every target; an exception thrown into it is thrown into each target in turn, until one lets it through:
     * that ends this stage (the targets not yet thrown into are closed) and the exception comes out of it.
     */
    static Generator<Object, String, Object> broadcast(List<? extends Generator<?, ? super String, ?>> targets) {
        Generator<Object, String, Object> stage = Generator.of(y -> {
            while (true) {
                String line;
                try {
                    line = y.yield(null);
                } catch (GeneratorExit e) {
                    for (Generator<?, ? super String, ?> target : targets) target.close();
                    throw e;
                } catch (Throwable e) {
                    try {
                        for (Generator<?, ? super String, ?> target : targets) target.throwIn(e);
                    } catch (Throwable out) {             // one let e through: close them all, and let it out
                        for (Generator<?, ? super String, ?> target : targets) target.close();
                        throw out;
                    }
                    continue;
                }
                for (Generator<?, ? super String, ?> target : targets) target.send(line);
            }
        });
        stage.next();
        return stage;
    }
}
