package conclab.grader.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The file descriptors this JVM has open, as Linux lists them in {@code /proc/self/fd}: each is a link to what it
 * refers to ({@code socket:[1234]}, {@code anon_inode:[eventpoll]}, {@code pipe:[5678]}, a file's path). A probe
 * for what a learner's code left open: count before, run it, count after.
 *
 * <p>Racy by nature (other threads open and close descriptors meanwhile): a check compares counts with room for
 * that. Stateless; any thread.
 */
public final class Descriptors {
    private Descriptors() {}

    /** What an epoll selector (Linux's default {@code Selector}) holds: its epoll instance. */
    public static final Predicate<String> EPOLL = target -> target.equals("anon_inode:[eventpoll]");

    /** A socket, of any kind (TCP, UDP, Unix). */
    public static final Predicate<String> SOCKET = target -> target.startsWith("socket:");

    /** How many of this JVM's descriptors refer to something {@code kind} accepts; -1 where /proc cannot be read. */
    public static long count(Predicate<String> kind) {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) return -1;
        try (Stream<Path> all = Files.list(fds)) {
            return all.filter(fd -> {
                try {
                    return kind.test(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    return false; // closed meanwhile (the listing's own descriptor, say)
                }
            }).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }
}
