// fails: results
// lines takes an empty line for the end of the source (Python's "if not line: break", where readline() returns "" only at the end, translated to null or isEmpty()): a blank line in a log ends it early, and the lines after it are never read.
import conclab.coro.Generator;
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
        // BEGIN SOLUTION
        return Generator.of(y -> {
            try (LineSource source = open.get()) {
                while (true) {
                    String line = source.readLine();
                    if (line == null || line.isEmpty()) break;     // Python: if not line: break
                    y.yield(line);
                }
            }
            return null;
        });
        // END SOLUTION
    }

    /** The lines of each source in turn; a source is opened only when the one before has ended and is closed. */
    static Generator<String, Object, Object> cat(List<? extends Supplier<? extends LineSource>> sources) {
        // BEGIN SOLUTION
        return Generator.of(y -> {
            for (Supplier<? extends LineSource> open : sources) y.yieldFrom(lines(open)); // close and throwIn forwarded
            return null;
        });
        // END SOLUTION
    }

    /** The lines of {@code upstream} that contain {@code pattern}. Closes upstream when it ends, however it ends. */
    static Generator<String, Object, Object> grep(String pattern, Generator<String, ?, ?> upstream) {
        // BEGIN SOLUTION
        return Generator.of(y -> {
            try (upstream) {                                   // a plain loop forwards nothing: close upstream here
                for (String line : upstream) {
                    if (line.contains(pattern)) y.yield(line);
                }
            }
            return null;
        });
        // END SOLUTION
    }

    /**
     * The first {@code n} lines of {@code upstream}, asking it for no line more; closes upstream when it is asked for
     * a line after its n-th, and when it is closed or thrown into.
     */
    static Generator<String, Object, Object> head(int n, Generator<String, ?, ?> upstream) {
        // BEGIN SOLUTION
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
        // END SOLUTION
    }
}