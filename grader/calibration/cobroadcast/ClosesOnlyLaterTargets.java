// fails: lets-through
// On an exception a target lets through, closes only the targets after it: those before, which caught the exception and went on, are never closed (their clean-up never runs).
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
                            // "those after the one that let it through are closed without being thrown into"
                            for (int j = i + 1; j < targets.size(); j++) targets.get(j).close();
                            throw out;
                        }
                    }
                    continue;
                }
                try {
                    for (Generator<?, ? super String, ?> target : targets) target.send(line);
                } catch (Throwable out) {
                    for (Generator<?, ? super String, ?> target : targets) target.close();
                    throw out;
                }
            }
        });
        stage.next();
        return stage;
    }
}
