package conclab.kernel.engine;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * The engine's side of JShell's {@code ExecutionControl}: loads the classes JShell compiled in the kernel,
 * with stop checks woven in, and runs snippets on the engine's main thread.
 *
 * <p>Besides JShell's commands it answers seven extension commands from the kernel:
 * <ul>
 * <li>{@code begin(Long cell)}: the following snippets belong to this cell;</li>
 * <li>{@code end(Object[]{Long cell, Boolean wantResult, Boolean threadNotice})}: the cell is over;
 *     returns {@code Object[]{Long syncToken, Map<String,String> richResult or null}};</li>
 * <li>{@code stats(Boolean resetPeak)}: returns {@code long[]{processCpuNanos, peakThreads, liveThreads}};</li>
 * <li>{@code threads(null)}: the learner's live threads (see {@link ThreadReports#rows});</li>
 * <li>{@code deadlocks(null)}: the deadlocked threads (see {@link ThreadReports#deadlocks});</li>
 * <li>{@code stopAll(Long sparedCell)}: stops the threads of every other cell; returns the names of those
 *     still alive 3 s later;</li>
 * <li>{@code agent(null)}: what the agent could not weave (empty when all is well).</li>
 * </ul>
 * All commands arrive on the main thread, one at a time, so {@link #lastValue} needs no lock.
 */
final class EngineControl extends DirectExecutionControl {
    private final Engine engine;
    /** The value of the last snippet run, rendered when the cell ends if the kernel asks for it. */
    private Object lastValue;

    EngineControl(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(Stream.of(classes)
                .map(c -> new ClassBytecodes(c.name(), StopCheck.instrument(c.bytecodes())))
                .toArray(ClassBytecodes[]::new));
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        lastValue = null;
        Object value = doit.invoke(null);
        lastValue = value;
        return valueString(value);
    }

    @Override
    protected String throwConvertedInvocationException(Throwable cause) throws RunException, InternalException {
        if (cause instanceof CellStopped) throw new StoppedException();
        return super.throwConvertedInvocationException(cause);
    }

    @Override
    protected String throwConvertedOtherException(Throwable ex) throws RunException, InternalException {
        if (ex instanceof CellStopped || ex.getCause() instanceof CellStopped) throw new StoppedException();
        return super.throwConvertedOtherException(ex);
    }

    /** The kernel stops cells through the event channel, not through JShell. */
    @Override
    public void stop() {
    }

    @Override
    public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException, InternalException {
        switch (command) {
            case "begin" -> {
                lastValue = null;
                engine.begin((Long) arg);
                return null;
            }
            case "end" -> {
                Object[] args = (Object[]) arg;
                Map<String, String> rich = Boolean.TRUE.equals(args[1]) ? render(lastValue) : null;
                lastValue = null;
                long token = engine.end((Long) args[0], args.length < 3 || Boolean.TRUE.equals(args[2]));
                return new Object[] {token, rich};
            }
            case "stats" -> {
                return stats(Boolean.TRUE.equals(arg));
            }
            case "threads" -> {
                return ThreadReports.rows(engine.cells(), Thread.currentThread());
            }
            case "deadlocks" -> {
                return ThreadReports.deadlocks(engine.cells());
            }
            case "stopAll" -> {
                var names = new java.util.ArrayList<String>();
                for (Thread t : engine.stopAll((Long) arg, java.time.Duration.ofSeconds(3))) names.add(ThreadReports.name(t));
                return names;
            }
            case "agent" -> {
                return new java.util.ArrayList<>(Agent.problems);
            }
            default -> {
                return super.extensionCommand(command, arg);
            }
        }
    }

    /** The rich bundle of a cell's value, or null; a failing {@code mimeBundle()} is reported in the cell. */
    private static Map<String, String> render(Object value) {
        try {
            Map<String, String> bundle = Rendering.richBundle(value);
            return bundle == null ? null : new LinkedHashMap<>(bundle);
        } catch (CellStopped stopped) {
            return null;
        } catch (Throwable t) {
            System.err.println("The value could not be shown as a picture or table: " + t);
            return null;
        }
    }

    private static long[] stats(boolean resetPeak) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        long[] result = {os.getProcessCpuTime(), threads.getPeakThreadCount(), threads.getThreadCount()};
        if (resetPeak) threads.resetPeakThreadCount();
        return result;
    }
}
