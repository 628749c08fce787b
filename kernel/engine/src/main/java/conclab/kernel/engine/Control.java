package conclab.kernel.engine;

import java.io.Serializable;
import java.util.LinkedHashMap;

/**
 * The kernel's commands to the engine, documented once: each is sent with JShell's
 * {@code ExecutionControl.extensionCommand(name, argument)} on the engine's execution channel and answered by
 * {@link EngineControl} on the engine's main thread, one at a time. A command's argument and answer are the
 * records below or JDK types, all serializable: they cross between the two JVMs by Java serialization, and both
 * JVMs have these classes (the kernel's jar holds the engine's).
 *
 * <table>
 * <caption>Commands</caption>
 * <tr><th>name</th><th>argument</th><th>answer</th></tr>
 * <tr><td>{@link #BEGIN}</td><td>{@code Long} cell</td><td>null: the snippets that follow belong to that cell</td></tr>
 * <tr><td>{@link #END}</td><td>{@link End}</td><td>{@link Ended}</td></tr>
 * <tr><td>{@link #STATS}</td><td>{@code Boolean} reset the peak of threads</td><td>{@link Stats}</td></tr>
 * <tr><td>{@link #THREADS}</td><td>null</td><td>{@code ArrayList<ThreadRow>}: the learner's live threads</td></tr>
 * <tr><td>{@link #DEADLOCKS}</td><td>null</td><td>{@code ArrayList<DeadlockRow>}: the deadlocked platform threads</td></tr>
 * <tr><td>{@link #STOP_ALL}</td><td>{@code Long} cell spared</td><td>{@code ArrayList<String>}: the names of the
 *     threads of other cells still alive 3 s after they were told to stop</td></tr>
 * <tr><td>{@link #AGENT}</td><td>null</td><td>{@code ArrayList<String>}: what the agent could not weave (empty
 *     when all is well)</td></tr>
 * </table>
 */
public final class Control {
    private Control() {}

    public static final String BEGIN = "begin";
    public static final String END = "end";
    public static final String STATS = "stats";
    public static final String THREADS = "threads";
    public static final String DEADLOCKS = "deadlocks";
    public static final String STOP_ALL = "stopAll";
    public static final String AGENT = "agent";

    /**
     * A cell's last snippet has run.
     *
     * @param cell         the cell
     * @param wantValue    whether to render the last snippet's value as a rich bundle
     * @param threadNotice whether to say which of the cell's threads still run (%threads notice)
     */
    public record End(long cell, boolean wantValue, boolean threadNotice) implements Serializable {}

    /**
     * The answer to {@link End}.
     *
     * @param syncToken the token of the engine's last output frame: once the kernel has read it, it has the cell's
     *                  whole output
     * @param richValue the value as MIME type to content, or null (no value, not asked, or text only)
     */
    public record Ended(long syncToken, LinkedHashMap<String, String> richValue) implements Serializable {}

    /** The engine JVM's CPU time so far, and its peak and live thread counts. */
    public record Stats(long processCpuNanos, long peakThreads, long liveThreads) implements Serializable {}

    /**
     * A live thread of the learner's, for {@code %threads}.
     *
     * @param cell       the cell that owns it (a task's cell wins over the cell that started the thread)
     * @param waitingFor what it waits for in words ("ReentrantLock@1b2c held by t1", "sleep"), or ""
     * @param stack      its top frames, raw: the kernel places them in cells and lines
     */
    public record ThreadRow(long cell, long id, String name, boolean virtual, String state, String waitingFor,
                            boolean daemon, StackTraceElement[] stack) implements Serializable {}

    /**
     * A platform thread in a deadlock, for {@code %deadlocks}.
     *
     * @param cell    the cell that owns it, or {@link EngineWire#NO_CELL}
     * @param lock    the lock it waits for, by short name ("ReentrantLock@1b2c")
     * @param ownerId the thread that holds that lock
     * @param stack   its top frames, raw
     */
    public record DeadlockRow(long cell, long id, String name, String lock, long ownerId, String ownerName,
                              StackTraceElement[] stack) implements Serializable {}
}
