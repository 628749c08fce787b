package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StopCheckTest {
    static byte[] spinnerBytes() throws Exception {
        try (InputStream in = Spinner.class.getResourceAsStream("Spinner.class")) {
            return in.readAllBytes();
        }
    }

    /** Loads the instrumented Spinner in a loader of its own (so the original stays as it was). */
    static Class<?> instrumentedSpinner() throws Exception {
        byte[] bytes = StopCheck.instrument(spinnerBytes());
        ClassLoader loader = new ClassLoader(StopCheckTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(Spinner.class.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
        return loader.loadClass(Spinner.class.getName());
    }

    @AfterEach
    void reset() {
        StopCheck.anyStopping = false;
    }

    @Test
    void checksAreWovenAtMethodStartAndBeforeBackwardBranches() throws Exception {
        var model = ClassFile.of().parse(StopCheck.instrument(spinnerBytes()));
        for (var method : model.methods()) {
            var code = method.code().orElseThrow();
            long checks = code.elementStream()
                    .filter(e -> e instanceof InvokeInstruction i && i.name().equalsString("check")
                            && i.owner().asInternalName().equals("conclab/kernel/engine/StopCheck"))
                    .count();
            String name = method.methodName().stringValue();
            long expected = name.equals("spin") ? 2 : 1; // entry, plus the loop's backward jump
            assertEquals(expected, checks, name);
        }
    }

    @Test
    void aStoppingCellStopsItsBusyLoopAndOnlyIt() throws Exception {
        Class<?> spinner = instrumentedSpinner();
        Method spin = spinner.getMethod("spin");
        Cell stopped = new Cell(1, 10, 10), other = new Cell(2, 10, 10);
        var ended = new AtomicReference<Throwable>();
        var otherEnded = new AtomicReference<Throwable>();
        var started = new CountDownLatch(2);
        Thread victim = Thread.ofPlatform().daemon().start(() -> run(stopped, spin, started, ended));
        Thread bystander = Thread.ofPlatform().daemon().start(() -> run(other, spin, started, otherEnded));
        assertTrue(started.await(10, TimeUnit.SECONDS));

        stopped.stopping = true;
        StopCheck.anyStopping = true;
        victim.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(victim.isAlive(), "the loop did not stop");
        assertInstanceOf(CellStopped.class, ended.get());
        assertTrue(bystander.isAlive(), "a thread of another cell was stopped too");

        other.stopping = true;
        bystander.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(bystander.isAlive());
    }

    @Test
    void recursionWithoutLoopsStopsAtMethodEntry() throws Exception {
        Class<?> spinner = instrumentedSpinner();
        Method deep = spinner.getMethod("deep", long.class);
        Cell cell = new Cell(3, 10, 10);
        cell.stopping = true;
        StopCheck.anyStopping = true;
        Cell.setCurrent(cell);
        try {
            var e = assertThrows(InvocationTargetException.class, () -> deep.invoke(null, 10L));
            assertInstanceOf(CellStopped.class, e.getCause());
        } finally {
            Cell.setCurrent(null);
        }
    }

    @Test
    void theInstrumentedCodeStillComputes() throws Exception {
        Class<?> spinner = instrumentedSpinner();
        assertEquals(11, spinner.getMethod("straight", int.class).invoke(null, 10));
        assertEquals(20L, spinner.getMethod("deep", long.class).invoke(null, 20L));
    }

    private static void run(Cell cell, Method m, CountDownLatch started, AtomicReference<Throwable> ended) {
        Cell.setCurrent(cell);
        started.countDown();
        try {
            m.invoke(null);
        } catch (InvocationTargetException e) {
            ended.set(e.getCause());
        } catch (ReflectiveOperationException e) {
            ended.set(e);
        }
    }
}
