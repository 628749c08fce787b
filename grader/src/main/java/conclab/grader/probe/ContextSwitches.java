package conclab.grader.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * How many times threads of this JVM went to sleep and were woken, read from Linux's counter of each thread's
 * voluntary context switches ({@code voluntary_ctxt_switches} in {@code /proc/self/task/TID/status}).
 *
 * <p>Why it is evidence: a thread blocked in one call (in {@code epoll_wait}, or parked with no deadline) is woken
 * once, when its event comes; a thread that polls with a timeout, or sleeps between tries, is woken once per
 * pause, however short. So the count tells a blocking wait from a polling one where CPU time cannot: a loop
 * that sleeps 5 ms between polls burns almost no CPU, yet is woken 200 times a second.
 *
 * <p>The same file says whether the kernel has the thread runnable ({@link #runnable}), which tells a thread that
 * has nothing to do from one that has work but is waiting for a CPU: both show a CPU time that stands still.
 *
 * <p>A thread is found by the name the kernel keeps for it ({@code comm}): HotSpot sets it from the Java thread's
 * name, cut to 15 characters, when the thread starts running. Names longer than that are matched on their first 15
 * characters, so give the threads a test looks for names that differ there.
 *
 * <p>Off Linux there is no {@code /proc}: {@link #task} finds nothing and every count is -1, and a check leaves
 * this evidence out. The class has no state; its methods are safe from any thread. A thread that ends while it is
 * read counts -1 ({@link #of}) or is left out ({@link #sum}).
 */
public final class ContextSwitches {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final String FIELD = "voluntary_ctxt_switches:";
    /** The longest name the kernel keeps for a thread (TASK_COMM_LEN 16, less the terminating zero). */
    private static final int KERNEL_NAME_LENGTH = 15;

    private ContextSwitches() {}

    /**
     * The {@code /proc} entry of a running thread of this JVM named {@code threadName} (its first 15 characters);
     * null if there is none, or off Linux. Call it once the thread has started, since the name is set as it starts.
     */
    public static Path task(String threadName) {
        String wanted = threadName.length() > KERNEL_NAME_LENGTH ? threadName.substring(0, KERNEL_NAME_LENGTH) : threadName;
        if (!Files.isDirectory(TASKS)) return null;
        try (var tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                if (wanted.equals(kernelName(task))) return task;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The {@code /proc} entry of the calling thread; null off Linux. The entry stays valid while the thread lives. */
    public static Path currentTask() {
        try {
            return TASKS.resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The voluntary context switches of {@code task}'s thread so far; -1 if {@code task} is null or its thread ended. */
    public static long of(Path task) {
        if (task == null) return -1;
        try {
            return count(task);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The voluntary context switches so far of all the running threads whose kernel name ({@code comm}, at most 15
     * characters) passes {@code kernelName}, summed; -1 off Linux. Threads that end meanwhile are left out, so
     * two sums are comparable only while the same threads live.
     */
    public static long sum(Predicate<String> kernelName) {
        if (!Files.isDirectory(TASKS)) return -1;
        long sum = 0;
        try (var tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                String name = kernelName(task);
                if (name == null || !kernelName.test(name)) continue;
                try {
                    sum += count(task);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between its name and its count
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return sum;
    }

    /**
     * Whether the kernel has {@code task}'s thread running or ready to run ({@code State: R} in its status); false if
     * it sleeps (in {@code epoll_wait}, a park, a sleep), if it has ended, or if {@code task} is null (off Linux). A
     * thread whose event has come but that the scheduler has not run yet is runnable: its CPU time stands still, and
     * only this tells it from a thread with nothing to do.
     */
    public static boolean runnable(Path task) {
        if (task == null) return false;
        try {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("State:")) return line.substring("State:".length()).strip().startsWith("R");
            }
        } catch (IOException | RuntimeException e) {
            // ended
        }
        return false;
    }

    /** The kernel's name of {@code task}'s thread, or null if the thread has ended. */
    private static String kernelName(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException e) {
            return null;
        }
    }

    private static long count(Path task) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith(FIELD)) return Long.parseLong(line.substring(FIELD.length()).strip());
        }
        throw new IOException(task + "/status has no " + FIELD + " line");
    }
}
