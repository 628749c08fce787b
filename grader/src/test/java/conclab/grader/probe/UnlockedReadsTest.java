package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain read of changing shared state with no lock held is named; a read under a monitor, an ownable lock or a read
 * lock, of a volatile field, of a place that never changes, or of an object that is not shared, is not.
 */
class UnlockedReadsTest {
    @TempDir
    static Path classes;
    static ClassLoader parent;

    @BeforeAll
    static void compile() throws Exception {
        Path src = Files.createDirectories(classes.resolve("src"));
        Files.writeString(src.resolve(Evidence.SOLUTION_FILE), """
                import java.util.concurrent.locks.ReentrantLock;
                import java.util.concurrent.locks.ReentrantReadWriteLock;

                class Seats {
                    int free = 1;
                    int capacity = 1;                 // never changed after construction
                    volatile int seen = 1;
                    final int[] cells = {1};
                    final Object lock = new Object();
                    final ReentrantLock reentrant = new ReentrantLock();
                    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
                    final Helper helper = new Helper();

                    boolean quickLook() {
                        if (free == 0) return false;
                        synchronized (lock) {
                            if (free == 0) return false;
                            free--;
                            seen = free;
                            return true;
                        }
                    }
                    boolean locked() {
                        synchronized (lock) {
                            if (free == 0) return false;
                            free--;
                            return true;
                        }
                    }
                    boolean reentrantLocked() {
                        reentrant.lock();
                        try {
                            if (free == 0) return false;
                            free--;
                            return true;
                        } finally {
                            reentrant.unlock();
                        }
                    }
                    boolean readLocked() {
                        rw.readLock().lock();
                        try {
                            if (free == 0) return false;
                        } finally {
                            rw.readLock().unlock();
                        }
                        rw.writeLock().lock();
                        try {
                            if (free == 0) return false;
                            free--;
                            return true;
                        } finally {
                            rw.writeLock().unlock();
                        }
                    }
                    boolean volatileLook() {
                        if (seen == 0 || capacity == 0) return false;
                        synchronized (lock) {
                            if (free == 0) return false;
                            free--;
                            seen = free;
                            return true;
                        }
                    }
                    boolean cellLook() {
                        if (cells[0] == 0) return false;
                        synchronized (lock) {
                            if (cells[0] == 0) return false;
                            cells[0]--;
                            return true;
                        }
                    }
                    boolean delegated() {
                        return helper.take();
                    }
                    boolean localObject() {
                        Helper mine = new Helper();
                        mine.left = 5;
                        return mine.left > 0 && locked();
                    }
                }

                class Stat {
                    static final java.lang.invoke.VarHandle CALLS;
                    static {
                        try {
                            CALLS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Stat.class, "calls", long.class);
                        } catch (ReflectiveOperationException e) {
                            throw new ExceptionInInitializerError(e);
                        }
                    }
                    volatile long count;
                    long calls;                       // a statistic, guarded by this
                    final Object other = new Object();

                    synchronized void inc() {
                        count++;
                        calls++;
                    }
                    long volatileCount() { return count; }
                    long callsUnderOtherLock() {
                        synchronized (other) {
                            return calls;
                        }
                    }
                    long callsByHandle() { return (long) CALLS.get(this); }
                }

                class Helper {
                    int left = 1;
                    synchronized boolean take() {
                        if (left == 0) return false;
                        left--;
                        return true;
                    }
                }
                """);
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", classes.toString(),
                src.resolve(Evidence.SOLUTION_FILE).toString());
        assertEquals(0, exit, "javac");
        parent = new URLClassLoader(new URL[] {classes.toUri().toURL()}, UnlockedReadsTest.class.getClassLoader());
    }

    /** Calls {@code method} twice on one new Seats of a new copy, on watched threads: it takes the seat, then finds none. */
    static String twice(String method) throws Exception {
        InstrumentedCopy copy = UnlockedReads.copy("test copy", parent);
        Constructor<?> make = copy.copyOf("Seats").getDeclaredConstructor();
        make.setAccessible(true);
        Object seats = make.newInstance();
        Method m = copy.method("Seats", method);
        UnlockedReads.Watch watch = new UnlockedReads.Watch(copy, seats);
        assertEquals(true, watch.step("first booking", Duration.ofSeconds(30), () -> InstrumentedCopy.invoke(m, seats)), method);
        assertEquals(false, watch.step("second booking", Duration.ofSeconds(30), () -> InstrumentedCopy.invoke(m, seats)), method);
        return watch.unlocked();
    }

    @Test
    void aLookBeforeTheLockIsNamedWithItsLineAndThread() throws Exception {
        String found = twice("quickLook");
        assertTrue(found != null && found.startsWith("Seats.quickLook (line ") && found.endsWith(
                " read Seats.free with no lock held, in first booking"), found);
        String cell = twice("cellLook");
        assertTrue(cell != null && cell.contains("read element 0 of an int array that Seats keeps with no lock held"), cell);
    }

    @Test
    void readsUnderAMonitorAnOwnableLockOrAReadLockAreNotNamed() throws Exception {
        assertNull(twice("locked"));
        assertNull(twice("reentrantLocked"));
        assertNull(twice("readLocked"));
        assertNull(twice("delegated"), "the helper's own monitor, held while it reads its own count");
    }

    @Test
    void aGetterReadsChangedStateLockedOrNotUnlessItReadsOnlyAVolatileField() throws Exception {
        Class<?>[] none = new Class<?>[0];
        Duration limit = Duration.ofSeconds(30);
        assertEquals(false, UnlockedReads.readsWhatWriteChanges(parent, "Stat", "inc", none, new Object[0], "volatileCount", limit));
        assertEquals(true, UnlockedReads.readsWhatWriteChanges(parent, "Stat", "inc", none, new Object[0], "callsUnderOtherLock", limit),
                "a plain field that inc() changes, read under another lock");
        assertEquals(true, UnlockedReads.readsWhatWriteChanges(parent, "Stat", "inc", none, new Object[0], "callsByHandle", limit),
                "a VarHandle's plain get, which the copy cannot place");
        assertNull(UnlockedReads.readsWhatWriteChanges(parent, "Seats", "inc", none, new Object[0], "volatileLook", limit),
                "no such method: nothing is known");
    }

    @Test
    void aVolatileFieldAPlaceThatNeverChangesAndAnUnsharedObjectAreNotJudged() throws Exception {
        assertNull(twice("volatileLook"), "seen is volatile, capacity never changes");
        assertNull(twice("localObject"), "an object made by the call is not shared");
    }
}
