package conclab.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs that run a class of this library: the child processes of the course.
 *
 * <pre>{@code
 * Process p = Jvm.start(UpperCase.class);   // java -cp <the library> conclab.process.UpperCase
 * Jvm.end(p, Duration.ofSeconds(5));         // closes its stdin, waits, kills it if it is still there
 * }</pre>
 *
 * <p>A child runs the {@code java} of this JVM ({@code java.home}) with this library on its classpath: the
 * folder or jar its classes were loaded from ({@code target/classes} in tests, {@code conclab-lib.jar} in
 * the kernel). So a child can run the library's classes, and no class defined in a notebook cell: those
 * exist only inside the JVM that compiled the cell. Children use the serial garbage collector (fewer
 * threads, a quicker start) and UTF-8 on their standard streams.
 *
 * <p>The convention of every main class in this package: a child ends when its stdin ends. A parent asks a
 * child to end by closing the child's stdin, and a parent that dies closes it too, so children are never
 * left behind. {@link #end} does that, and kills a child that does not end in time.
 */
public final class Jvm {
    private Jvm() {}

    /** Options of every child JVM. */
    private static final List<String> OPTIONS =
            List.of("-XX:+UseSerialGC", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8");

    /** The {@code java} launcher of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Where this library's classes are: a folder or a jar; the classpath of every child. */
    public static String classPath() {
        String mine = location(Jvm.class);
        try {
            return mine == null ? System.getProperty("java.class.path") : Path.of(new URI(mine)).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return System.getProperty("java.class.path");
        }
    }

    /**
     * Whether a child JVM can load {@code type}: it comes from where this library's classes come from (or,
     * when that is unknown and children get this JVM's classpath, whatever it is).
     */
    public static boolean canRun(Class<?> type) {
        String mine = location(Jvm.class);
        return mine == null || mine.equals(location(type));
    }

    /** The URL of the folder or jar that {@code type} was loaded from; null if unknown (as for classes of JShell snippets). */
    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? null : source.getLocation().toString();
    }

    /**
     * The command that runs {@code main} in a child JVM, with {@code args}; start it with
     * {@link ProcessBuilder#start()}. Throws {@link IllegalArgumentException} if a child could not load
     * {@code main} (see {@link #canRun}).
     */
    public static ProcessBuilder command(Class<?> main, String... args) {
        if (!canRun(main))
            throw new IllegalArgumentException(main.getName() + " is not a class of the course library (" + classPath()
                    + "), so a child JVM cannot load it; classes of notebook cells exist only in the notebook's JVM");
        List<String> command = new ArrayList<>(List.of(java(), "-cp", classPath()));
        command.addAll(OPTIONS);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** Starts {@code main} in a child JVM, with pipes to its stdin, stdout and stderr. */
    public static Process start(Class<?> main, String... args) {
        try {
            return command(main, args).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the lines of a child's stderr to {@code System.err}, each prefixed with {@code [child PID]},
     * on a daemon thread, until the stream ends. In the course's kernel they appear under the cell that
     * calls this.
     */
    public static void forwardErrors(Process child) {
        String prefix = prefix(child);
        Thread.ofPlatform().name("conclab-child-" + child.pid() + "-stderr").daemon().start(() -> {
            try (var err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) System.err.println(prefix + line);
            } catch (IOException e) {
                // the stream was closed: nothing more to copy
            }
        });
    }

    /** {@code "[child PID] "}: how the output of a child is marked in the parent's. */
    static String prefix(Process child) {
        return "[child " + child.pid() + "] ";
    }

    /**
     * Ends a child: closes its stdin, waits up to {@code grace} for it to exit, then kills it and waits for
     * that (up to 10 s). Returns whether it exited by itself. When interrupted, it kills the child at once
     * and keeps the interrupt status.
     */
    public static boolean end(Process child, Duration grace) {
        try {
            child.getOutputStream().close();
        } catch (IOException e) {
            // already closed, or the child is gone: either way it has no stdin any more
        }
        try {
            if (child.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill(child);
        return false;
    }

    /** Kills a child and waits until it is gone, up to 10 s, even when interrupted (keeping the status). */
    public static void kill(Process child) {
        child.destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean interrupted = false;
        while (child.isAlive() && deadline - System.nanoTime() > 0) {
            try {
                child.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
