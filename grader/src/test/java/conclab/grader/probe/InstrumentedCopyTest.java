package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of a class compiled from the solution file runs the calls inserted into it; a class compiled from another
 * file, and the test's own hook, are the parent's.
 */
class InstrumentedCopyTest {
    /** What the copies call before each write to a static field: public, as they are in another loader. */
    public static final class Hook {
        static final AtomicInteger CALLS = new AtomicInteger();

        public static void called() {
            CALLS.incrementAndGet();
        }
    }

    @TempDir
    static Path classes;
    static ClassLoader parent;

    /** Compiles a learner's classes from Solution.java, and a class of another file, as the grader does (-g). */
    @BeforeAll
    static void compile() throws Exception {
        Path src = Files.createDirectories(classes.resolve("src"));
        Files.writeString(src.resolve(Evidence.SOLUTION_FILE), """
                class Base {
                    static int inherited() { return 7; }
                }
                class Tally extends Base {
                    static int count;
                    static int add(int n) {
                        for (int i = 0; i < n; i++) count++;
                        return count;
                    }
                    static void fail() {
                        throw new IllegalStateException("the learner's");
                    }
                }
                """);
        Files.writeString(src.resolve("Other.java"), "class Other { static int count; static void add() { count++; } }\n");
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", classes.toString(),
                src.resolve(Evidence.SOLUTION_FILE).toString(), src.resolve("Other.java").toString());
        assertEquals(0, exit, "javac");
        parent = new URLClassLoader(new URL[] {classes.toUri().toURL()}, InstrumentedCopyTest.class.getClassLoader());
    }

    /** A copy with Hook.called() before each putstatic. */
    static InstrumentedCopy copy() {
        ClassDesc hook = ClassDesc.of(Hook.class.getName());
        return new InstrumentedCopy("test copy", parent, (cls, method) -> (code, e) -> {
            if (e instanceof FieldInstruction f && f.opcode() == Opcode.PUTSTATIC) {
                code.invokestatic(hook, "called", MethodTypeDesc.of(ConstantDescs.CD_void));
            }
            code.with(e);
        });
    }

    @Test
    void theCopyRunsTheInsertedCallsAndTheOriginalDoesNot() throws Exception {
        InstrumentedCopy copy = copy();
        int before = Hook.CALLS.get();
        assertEquals(3, InstrumentedCopy.invoke(copy.method("Tally", "add", int.class), null, 3));
        assertEquals(3, Hook.CALLS.get() - before, "one call before each of the 3 writes");

        Class<?> original = parent.loadClass("Tally");
        var add = original.getDeclaredMethod("add", int.class);
        add.setAccessible(true);
        assertEquals(2, add.invoke(null, 2), "the copy's count is its own");
        assertEquals(3, Hook.CALLS.get() - before, "the original calls nothing");
    }

    @Test
    void onlyTheLearnersClassesAreCopied() throws Exception {
        InstrumentedCopy copy = copy();
        Class<?> tally = copy.loadClass("Tally");
        assertSame(copy, tally.getClassLoader());
        assertSame(copy, tally.getSuperclass().getClassLoader(), "a learner's class refers to the copies of the others");
        assertNotSame(parent.loadClass("Tally"), tally);
        for (Class<?> theirs : List.of(parent.loadClass("Other"), Hook.class, InstrumentedCopyTest.class, String.class)) {
            assertSame(theirs, copy.loadClass(theirs.getName()));
        }
        int before = Hook.CALLS.get();
        var add = copy.loadClass("Other").getDeclaredMethod("add");
        add.setAccessible(true);
        add.invoke(null);
        assertEquals(before, Hook.CALLS.get(), "a class of another file is not rewritten");
    }

    @Test
    void methodFindsASuperclasssMethodOfACopyAndInvokeThrowsWhatTheMethodThrows() throws Exception {
        InstrumentedCopy copy = copy();
        assertEquals(7, InstrumentedCopy.invoke(copy.method("Tally", "inherited"), null));
        var thrown = assertThrows(IllegalStateException.class, () -> InstrumentedCopy.invoke(copy.method("Tally", "fail"), null));
        assertEquals("the learner's", thrown.getMessage());
        assertThrows(NoSuchMethodException.class, () -> copy.method("Tally", "missing"));
        assertThrows(ClassNotFoundException.class, () -> copy.method("Other", "add"), "no copy of a class of another file");
    }
}
