// fails: lets-through
// When a target fails on a line, goes on sending that line to the targets after it, then throws the first failure:
// the targets after the failing one get a line that broadcast should have stopped at.
import conclab.coro.Generator;
import conclab.coro.GeneratorExit;
import java.util.List;

class Sinks {
    static Generator<Object, String, Object> grep(String pattern, Generator<?, ? super String, ?> target) {
        Generator<Object, String, Object> stage = Generator.of(y -> {
            while (true) {
                String line;
                try {
                    line = y.yield(null);
                } catch (GeneratorExit e) {
                    target.close();
                    throw e;
                } catch (Throwable e) {
                    target.throwIn(e);             // if target lets it through, target has ended: nothing to close
                    continue;
                }
                if (line.contains(pattern)) {
                    try {
                        target.send(line);
                    } catch (Throwable out) {
                        target.close();
                        throw out;
                    }
                }
            }
        });
        stage.next();
        return stage;
    }

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
                    for (int i = 0; i < targets.size(); i++) {
                        try {
                            targets.get(i).throwIn(e);
                        } catch (Throwable out) {
                            for (Generator<?, ? super String, ?> target : targets) target.close();
                            throw out;
                        }
                    }
                    continue;
                }
                Throwable first = null;
                for (Generator<?, ? super String, ?> target : targets) {
                    try {
                        target.send(line);                 // every target gets the line, whatever one did with it
                    } catch (Throwable out) {
                        if (first == null) first = out;
                    }
                }
                if (first != null) {
                    for (Generator<?, ? super String, ?> target : targets) target.close();
                    if (first instanceof Error error) throw error;
                    throw (RuntimeException) first;   // a generator's send throws nothing checked
                }
            }
        });
        stage.next();
        return stage;
    }
}
