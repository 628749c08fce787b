// fails: closes-at-end, closes-midway
// lines closes its source with try-with-resources and also in catch (GeneratorExit): a lines that is closed closes its
// source twice.
import conclab.coro.Generator;
import conclab.coro.GeneratorExit;
import conclab.coro.StopIteration;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/** Where lines come from: a file, a socket, a log being written. Opened by a Supplier; must be closed. */
interface LineSource extends AutoCloseable {
    /** The next line, or null at the end of the source. */
    String readLine() throws IOException;

    @Override
    void close() throws IOException;
}

/** Generator pipelines over line sources, in David Beazley's style: each stage pulls lines from the one before. */
class Pipeline {
    /**
     * The lines of the source that {@code open} opens. The source is opened when the first line is asked for, read one
     * line per line asked for, and closed when its lines end, when a read fails (the exception goes on to the consumer
     * as it is), and when the generator is closed or thrown into.
     */
    static Generator<String, Object, Object> lines(Supplier<? extends LineSource> open) {
        return Generator.of(y -> {
            try (LineSource source = open.get()) {
                try {
                    for (String line = source.readLine(); line != null; line = source.readLine()) y.yield(line);
                } catch (GeneratorExit e) {                    // closed: close the source (try-with-resources does too)
                    source.close();
                    throw e;
                }
            }
            return null;
        });
    }

    /** The lines of each source in turn; a source is opened only when the one before has ended and is closed. */
    static Generator<String, Object, Object> cat(List<? extends Supplier<? extends LineSource>> sources) {
        return Generator.of(y -> {
            for (Supplier<? extends LineSource> open : sources) y.yieldFrom(lines(open)); // close and throwIn forwarded
            return null;
        });
    }

    /** The lines of {@code upstream} that contain {@code pattern}. Closes upstream when it ends, however it ends. */
    static Generator<String, Object, Object> grep(String pattern, Generator<String, ?, ?> upstream) {
        return Generator.of(y -> {
            try (upstream) {                                   // a plain loop forwards nothing: close upstream here
                for (String line : upstream) {
                    if (line.contains(pattern)) y.yield(line);
                }
            }
            return null;
        });
    }

    /**
     * The first {@code n} lines of {@code upstream}, asking it for no line more; closes upstream when it is asked for
     * a line after its n-th, and when it is closed or thrown into.
     */
    static Generator<String, Object, Object> head(int n, Generator<String, ?, ?> upstream) {
        return Generator.of(y -> {
            try (upstream) {
                for (int i = 0; i < n; i++) {
                    String line;
                    try {
                        line = upstream.next();                // pulled only when line i is wanted
                    } catch (StopIteration end) {
                        break;
                    }
                    y.yield(line);
                }
            }
            return null;
        });
    }
}
