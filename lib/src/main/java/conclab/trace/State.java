package conclab.trace;

import java.util.Locale;

/**
 * What a thread was doing at a moment, as a timeline shows it: a coarser, learner-sized view of
 * {@link Thread.State}.
 */
public enum State {
    /** On a CPU, or ready to be. */
    RUNNING("#2E8B57", "solid"),
    /** Waiting for a socket or a file: runnable for the JVM, but the operating system holds it. */
    IO("#7E57C2", "vertical stripes"),
    /** Waiting to enter a {@code synchronized} block held by another thread. */
    BLOCKED("#C0392B", "diagonal hatching"),
    /** Waiting for another thread: {@code wait}, {@code join}, a lock, a condition, a queue. */
    WAITING("#F2A541", "dots"),
    /** In {@code Thread.sleep}. */
    SLEEPING("#9AA9B8", "horizontal dashes");

    /** The colour of this state in timelines (and in the course's diagrams). */
    public final String color;
    /**
     * The pattern of this state in timelines, so that they read without colour (printed in grey, or by a
     * reader who does not tell these colours apart): each state's is different, and the legend shows it.
     */
    public final String pattern;

    State(String color, String pattern) {
        this.color = color;
        this.pattern = pattern;
    }

    /** The state's name for a learner: {@code running}, {@code in I/O}, ... */
    public String label() {
        return this == IO ? "in I/O" : name().toLowerCase(Locale.ROOT);
    }

    /**
     * Classifies a thread from its {@link Thread.State} and the method it is in (its top stack frame; may
     * be null).
     */
    static State of(Thread.State state, StackTraceElement top) {
        String cls = top == null ? "" : top.getClassName(), method = top == null ? "" : top.getMethodName();
        return switch (state) {
            case BLOCKED -> BLOCKED;
            case WAITING, TIMED_WAITING -> cls.equals("java.lang.Thread") && method.startsWith("sleep") ? SLEEPING : WAITING;
            default -> isIo(cls, method) ? IO : RUNNING;
        };
    }

    /**
     * Native methods in which a runnable thread really waits for the operating system: a selector's wait on
     * Linux ({@code EPoll.wait}), macOS ({@code KQueue.poll}) and Windows ({@code WEPoll.wait}), and the reads,
     * polls and accepts of sockets and files.
     */
    private static boolean isIo(String cls, String method) {
        return switch (cls) {
            case "sun.nio.ch.Net" -> method.equals("poll") || method.equals("accept");
            case "sun.nio.ch.SocketDispatcher", "sun.nio.ch.FileDispatcherImpl", "sun.nio.ch.UnixFileDispatcherImpl",
                 "java.io.FileInputStream", "java.net.SocketInputStream" -> method.startsWith("read");
            case "sun.nio.ch.EPoll", "sun.nio.ch.WEPoll" -> method.equals("wait");
            case "sun.nio.ch.KQueue" -> method.equals("poll");
            case "sun.nio.ch.Poll", "sun.nio.ch.PollSelectorImpl" -> method.equals("poll");
            default -> false;
        };
    }
}
