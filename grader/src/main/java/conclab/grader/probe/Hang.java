package conclab.grader.probe;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Says why threads are stuck: the deadlock cycle when {@link ThreadMXBean} finds one among them, otherwise
 * what each thread is doing (waiting for a lock, parked, or still running, as in an endless loop).
 *
 * <p>{@code ThreadMXBean} sees platform threads only, so the probes run learners' code on platform threads.
 */
public final class Hang {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private Hang() {}

    /**
     * The deadlocked threads among {@code threads}, as a cycle description; null when there is none.
     *
     * <p>{@link ThreadMXBean#findDeadlockedThreads} also lists threads waiting with a timeout
     * ({@code tryLock(10, MILLISECONDS)}) in a cycle: such a cycle breaks itself when the timeout runs out, so
     * it is no deadlock. A thread counts here only when it, every thread it waits for in turn, and every
     * thread of the cycle it leads to wait without a timeout (state WAITING or BLOCKED).
     */
    public static String deadlock(Collection<Thread> threads) {
        long[] ids = MX.findDeadlockedThreads();
        if (ids == null) return null;
        Set<Long> ours = threads.stream().map(Thread::threadId).collect(Collectors.toSet());
        Map<Long, ThreadInfo> byId = new LinkedHashMap<>();
        for (ThreadInfo info : MX.getThreadInfo(ids, true, true)) {
            if (info != null) byId.put(info.getThreadId(), info);
        }
        List<ThreadInfo> cycle = new ArrayList<>();
        for (ThreadInfo info : byId.values()) {
            if (ours.contains(info.getThreadId()) && stuckForGood(info, byId)) cycle.add(info);
        }
        if (cycle.isEmpty()) return null;
        StringBuilder b = new StringBuilder("Deadlock: these threads wait for each other and can never go on.\n");
        for (ThreadInfo t : cycle) {
            String held = held(t);
            b.append("  thread \"").append(t.getThreadName()).append('"')
                    .append(held == null ? "" : " holds " + held + " and")
                    .append(" waits for ").append(name(t.getLockInfo()))
                    .append(t.getLockOwnerName() == null ? "" : " (held by \"" + t.getLockOwnerName() + "\")")
                    .append('\n');
            String at = Evidence.where(t.getStackTrace());
            if (at != null) b.append("      at ").append(at).append('\n');
        }
        return b.toString().stripTrailing();
    }

    /** Why {@code threads} have not finished: a deadlock cycle, or each live thread's state and place. */
    public static String diagnose(Collection<Thread> threads) {
        String cycle = deadlock(threads);
        if (cycle != null) return cycle;
        StringBuilder b = new StringBuilder();
        for (Thread t : threads) {
            if (!t.isAlive()) continue;
            b.append("  thread \"").append(t.getName()).append("\" ").append(doing(t)).append('\n');
        }
        return b.isEmpty() ? "All threads had finished." : "Threads still running:\n" + b.toString().stripTrailing();
    }

    /**
     * The names of the live threads, platform and virtual, with a frame of {@code method} (for example
     * {@code "Downloader.run"}) on their stack, from a thread dump: {@code ThreadMXBean} sees no virtual
     * threads, {@code HotSpotDiagnosticMXBean.dumpThreads} sees them all.
     */
    public static java.util.List<String> threadsIn(String method) {
        return threadsIn(List.of(method));
    }

    /**
     * The names of the live threads, platform and virtual, with a frame of any of {@code methods} on their
     * stack, from one thread dump: each such thread once, in the order of the dump. One dump is one moment:
     * two dumps, one per method, could miss a thread that goes from one method to the other between them.
     */
    public static java.util.List<String> threadsIn(Collection<String> methods) {
        java.util.List<String> names = new ArrayList<>();
        for (DumpedThread t : dump()) {
            if (methods.stream().anyMatch(t::hasFrame)) names.add(t.name());
        }
        return names;
    }

    /**
     * One thread of a thread dump: its name ("" for an unnamed virtual thread) and its stack, as the dump's
     * text (one frame per line, innermost first).
     */
    public record DumpedThread(String name, String stack) {
        /** The thread's id, from the first line of its block ({@code #ID "name" ...}), or -1 if the block has none. */
        public long id() {
            Matcher m = ID.matcher(stack.strip());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }

        private static final Pattern ID = Pattern.compile("^#(\\d+)");

        /** Whether a frame of {@code method} (such as {@code "Downloader.run"}) is on the stack. */
        public boolean hasFrame(String method) {
            return stack.contains(method + "(");
        }

        /** Whether the thread waits now: a frame on its stack parks it, or it is in Object.wait or Thread.sleep. */
        public boolean waits() {
            return java.util.stream.Stream.of("LockSupport.park", "LockSupport.parkNanos", "LockSupport.parkUntil",
                    "Object.wait", "Object.wait0", "Thread.sleep", "Thread.sleepNanos").anyMatch(this::hasFrame);
        }
    }

    /**
     * The live threads, platform and virtual, from one thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}:
     * {@code ThreadMXBean} sees no virtual threads). One dump is one moment: two dumps, one per question, could
     * miss a thread that goes from one state to another between them.
     */
    public static java.util.List<DumpedThread> dump() {
        String dump;
        try {
            dump = dumpText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not dump the threads: " + e.getMessage(), e);
        }
        java.util.List<DumpedThread> threads = new ArrayList<>();
        for (String block : dump.split("\n\\s*\n")) { // one block per thread: '#id "name" ...' then frames
            String[] lines = block.strip().split("\n");
            if (lines.length == 0 || !lines[0].startsWith("#")) continue;
            int q = lines[0].indexOf('"'), r = lines[0].indexOf('"', q + 1);
            threads.add(new DumpedThread(q >= 0 && r > q ? lines[0].substring(q + 1, r) : lines[0], block));
        }
        return threads;
    }

    /**
     * A thread dump of the whole JVM as text, written to a file of a folder of its own and read back; the folder is
     * gone afterwards, whatever happened (a check may list what is left in the temporary folder).
     */
    private static String dumpText() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("dump"), file = dir.resolve("threads.txt");
        try {
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return java.nio.file.Files.readString(file);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    /**
     * What one thread is doing, in words: "is waiting in Condition.await at Buffer.take (line 9 ...)". For a platform
     * thread, its state and its stack come from one {@link ThreadInfo}, taken at one moment: read apart, a spinning
     * thread's stack could be taken in one call and its state after the next, and it would be described as waiting
     * in a call it has already left. A virtual thread ({@code ThreadMXBean} does not see it) is read twice, stack then
     * state, and the two may disagree.
     */
    public static String doing(Thread t) {
        ThreadInfo info = t.isVirtual() ? null : MX.getThreadInfo(t.threadId(), Integer.MAX_VALUE);
        StackTraceElement[] stack = info != null ? info.getStackTrace() : t.getStackTrace();
        Thread.State state = info != null ? info.getThreadState() : t.getState();
        String at = Evidence.where(stack);
        String place = at == null ? "" : " at " + at;
        return switch (state) {
            case RUNNABLE -> "is running" + place + " (an endless loop, or waiting by spinning?)";
            case BLOCKED -> "is blocked, waiting to enter a synchronized block" + place;
            case WAITING, TIMED_WAITING -> "is waiting in " + Waiting.waitKind(stack) + place;
            default -> "is " + state.toString().toLowerCase() + place;
        };
    }

    /**
     * Whether {@code t} waits, through a chain of lock owners, for a cycle of threads none of which waits with
     * a timeout: then no thread on the way can ever go on.
     */
    private static boolean stuckForGood(ThreadInfo t, Map<Long, ThreadInfo> byId) {
        Set<Long> seen = new HashSet<>();
        ThreadInfo at = t;
        while (at != null && seen.add(at.getThreadId())) {
            Thread.State s = at.getThreadState();
            if (s != Thread.State.WAITING && s != Thread.State.BLOCKED) return false;
            at = byId.get(at.getLockOwnerId());
        }
        return at != null; // back at a thread already seen: a cycle of untimed waits
    }

    private static String held(ThreadInfo t) {
        List<String> names = new ArrayList<>();
        for (MonitorInfo m : t.getLockedMonitors()) names.add(name(m));
        for (LockInfo l : t.getLockedSynchronizers()) names.add(name(l));
        return names.isEmpty() ? null : String.join(" and ", names);
    }

    private static String name(LockInfo lock) {
        if (lock == null) return "a lock";
        String cls = lock.getClassName();
        String simple = cls.substring(cls.lastIndexOf('.') + 1);
        if (simple.contains("$") && cls.startsWith("java.util.concurrent.locks.")) {
            // A lock's inner synchronizer (ReentrantLock$NonfairSync): name the lock, the class the code uses.
            return "a " + simple.substring(0, simple.indexOf('$')) + " (@" + Integer.toHexString(lock.getIdentityHashCode()) + ")";
        }
        return "the lock of " + simple.replace('$', '.') + "@" + Integer.toHexString(lock.getIdentityHashCode());
    }

    /**
     * The live threads, platform and virtual, other than {@code except}, that run the learner's code now, in words: a
     * name and where in the learner's code ({@code thread "pool-1-thread-1" (#31), at Server.write (line 12 of your
     * solution cell)}, or {@code an unnamed virtual thread (#40), at ...}). They are those with a frame of
     * {@value Evidence#SOLUTION_FILE} in one thread dump of the whole JVM, which, unlike {@link ThreadMXBean}, lists
     * virtual threads too; the place is the innermost such frame.
     */
    public static List<String> threadsRunningTheSolution(Thread except) {
        List<String> found = new ArrayList<>();
        for (DumpedThread t : dump()) {
            Matcher frame = SOLUTION_FRAME.matcher(t.stack());
            if (t.id() == except.threadId() || !frame.find()) continue;
            String at = Evidence.where(new StackTraceElement(frame.group(1), frame.group(2), Evidence.SOLUTION_FILE,
                    Integer.parseInt(frame.group(3))));
            boolean virtual = t.stack().strip().lines().findFirst().orElse("").contains("virtual");
            String kind = virtual ? "virtual thread" : "thread";
            // a block whose first line has no quoted name is an unnamed thread's: dump() then names it by that line
            String name = t.name().isEmpty() || t.name().startsWith("#") ? "an unnamed " + kind : kind + " \"" + t.name() + "\"";
            found.add(name + " (#" + t.id() + "), at " + at);
        }
        return found;
    }

    /** A frame of the learner's code in a thread dump's text: "Class$Inner.method(Solution.java:LINE)", after any module prefix. */
    private static final Pattern SOLUTION_FRAME = Pattern.compile(
            "([\\w$.]+)\\.([\\w$<>]+)\\(" + Pattern.quote(Evidence.SOLUTION_FILE) + ":(\\d+)\\)");
}
