package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;

/**
 * A child JVM that you talk to in lines, through pipes: what you {@linkplain #send send} goes to its
 * stdin, what it answers comes from its stdout. Its stderr goes to this JVM's {@code System.err}, each line
 * marked {@code [child PID]}.
 *
 * <pre>{@code
 * try (var upper = LineChild.start(UpperCase.class)) {
 *     upper.ask("hello")                 // "HELLO", computed by another process
 * }                                      // closes its stdin: the child ends
 * }</pre>
 *
 * <p>A pipe is a byte stream with a buffer in the kernel: a writer blocks when the buffer is full, a reader
 * when it is empty, and a line sits in the writer's own buffer until it is flushed. So {@link #send}
 * flushes, and so must the child, or both wait forever. Not thread-safe: one conversation at a time.
 */
public final class LineChild implements AutoCloseable {
    /** The child JVM. */
    private final Process process;
    /** The child's stdin: what {@link #send} writes. */
    private final Writer in;
    /** The child's stdout: what {@link #readLine} reads. */
    private final BufferedReader out;

    private LineChild(Process process) {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        Jvm.forwardErrors(process);
    }

    /** Starts {@code main}, a class of this library, in a child JVM with {@code args}. */
    public static LineChild start(Class<?> main, String... args) {
        return new LineChild(Jvm.start(main, args));
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** The child's process. */
    public Process process() {
        return process;
    }

    /** Writes {@code line} and a line feed to the child's stdin, and flushes. {@code line} must not hold line breaks. */
    public void send(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) throw new IllegalArgumentException("a line break in " + line);
        try {
            in.write(line + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("child " + pid() + " takes no more input", e);
        }
    }

    /** The next line of the child's stdout; blocks until there is one; null once its stdout has ended. */
    public String readLine() {
        try {
            return out.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code line} and returns the line the child answers (null if it ended instead). */
    public String ask(String line) {
        send(line);
        return readLine();
    }

    /** Closes the child's stdin, so that it ends; kills it if it has not ended within 5 s. */
    @Override
    public void close() {
        Jvm.end(process, Duration.ofSeconds(5));
    }
}
