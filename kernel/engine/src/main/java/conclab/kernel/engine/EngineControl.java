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
 * <p>Besides JShell's commands it answers the kernel's extension commands, listed with their arguments and
 * answers in {@link Control}. All commands arrive on the main thread, one at a time, so {@link #lastValue}
 * needs no lock.
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
            case Control.BEGIN -> {
                lastValue = null;
                engine.begin((Long) arg);
                return null;
            }
            case Control.END -> {
                Control.End end = (Control.End) arg;
                LinkedHashMap<String, String> rich = end.wantValue() ? render(lastValue) : null;
                lastValue = null;
                return new Control.Ended(engine.end(end.cell(), end.threadNotice()), rich);
            }
            case Control.STATS -> {
                return stats(Boolean.TRUE.equals(arg));
            }
            case Control.THREADS -> {
                return ThreadReports.rows(engine.cells(), Thread.currentThread());
            }
            case Control.DEADLOCKS -> {
                return ThreadReports.deadlocks(engine.cells());
            }
            case Control.STOP_ALL -> {
                var names = new java.util.ArrayList<String>();
                for (Thread t : engine.stopAll((Long) arg, java.time.Duration.ofSeconds(3))) names.add(ThreadReports.name(t));
                return names;
            }
            case Control.AGENT -> {
                return new java.util.ArrayList<>(Agent.problems);
            }
            default -> {
                return super.extensionCommand(command, arg);
            }
        }
    }

    /** The rich bundle of a cell's value, or null; a failing {@code mimeBundle()} is reported in the cell. */
    private static LinkedHashMap<String, String> render(Object value) {
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

    private static Control.Stats stats(boolean resetPeak) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        var result = new Control.Stats(os.getProcessCpuTime(), threads.getPeakThreadCount(), threads.getThreadCount());
        if (resetPeak) threads.resetPeakThreadCount();
        return result;
    }
}
