package conclab.grader;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The main class of a warm compiler's JVM ({@link WarmCompiler}): compiles one check after another with the JDK's
 * compiler inside this JVM, so that only the first pays for starting a JVM and loading javac.
 *
 * <p>The protocol is one line per message, fields separated by spaces, every free text in Base64:
 * <pre>
 * READY                         (server) ready for the first request
 * COMPILE dir arg...            (client) run javac with these arguments, as javac's command line would be given
 *                               them in folder dir: relative file names and the -d folder are resolved against dir
 * DONE exit bytes head          (server) javac's exit code as its command line has it (0 ok, 1 errors, 2 a bad
 *                               option, 3 a system error, 4 the compiler crashed), how many bytes it printed, and
 *                               the first {@link #HEAD_BYTES} of them (relative to dir again)
 * </pre>
 * Only the protocol goes to the real standard output; whatever else the JDK prints goes to standard error (the JVM is
 * started with {@code -XX:+DisplayVMOutputToStderr} for what the VM itself prints). A request it cannot read ends the
 * server (exit 2): the client then compiles in a JVM of its own, as it does after any exit code but 0 and 1.
 *
 * <p>The exit code comes from javac's own task ({@code JavacTaskImpl.doCall()}, which needs {@link #JVM_OPTIONS}):
 * the public {@code call()} says only whether the compile succeeded, so a crash inside javac, an
 * {@code OutOfMemoryError} included, would read as a compile error (javac catches both and reports them).
 *
 * <p>What javac prints is the text {@code javac} prints on a command line in {@code dir}: the same diagnostics,
 * each headed by the file name as given ({@code src/Solution.java:3: error: ...}), the source line and the caret,
 * then the count of errors. The file manager, and the jars of the classpath it has opened, are kept from one
 * compile to the next; the classpath's jars do not change during a grading.
 */
public final class CompileServer {
    /** As much of javac's output as a check keeps: what a {@link Sandbox} keeps of a process's output. */
    static final int HEAD_BYTES = 8 << 10;

    /**
     * The options the server's JVM needs: javac's task class and its result, which are not exported, and the VM's own
     * messages kept off the protocol.
     */
    static final List<String> JVM_OPTIONS = List.of("--add-exports", "jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.main=ALL-UNNAMED", "-XX:+DisplayVMOutputToStderr");

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    /** Reused by every compile: opening the classpath's jars is much of a cold compile's work. */
    private final StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);

    private CompileServer() {}

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing else may write into the protocol
        if (!javacOpened()) {
            System.err.println("javac's task is not open to the compile server: start it with " + JVM_OPTIONS);
            System.exit(3); // before READY: the client compiles cold from now on
        }
        CompileServer server = new CompileServer();
        BufferedReader in = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        protocol.println("READY");
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split(" ");
            if (f.length < 2 || !f[0].equals("COMPILE")) {
                System.err.println("not a request: " + line);
                System.exit(2);
            }
            List<String> argv = new ArrayList<>();
            for (int i = 2; i < f.length; i++) argv.add(decode(f[i]));
            protocol.println(server.compile(Path.of(decode(f[1])), argv));
        }
    }

    /** Compiles as {@code javac argv} would in {@code dir}; returns the DONE line. */
    String compile(Path dir, List<String> argv) {
        StringWriter text = new StringWriter();
        int exit;
        try (PrintWriter out = new PrintWriter(text)) {
            exit = run(dir, argv, out);
        }
        // javac names files as it was given them: absolute here, relative to dir on a command line in dir.
        String printed = text.toString().replace(dir.toString() + java.io.File.separator, "");
        byte[] bytes = printed.getBytes(StandardCharsets.UTF_8);
        byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, HEAD_BYTES));
        return "DONE " + exit + " " + bytes.length + " " + Base64.getEncoder().encodeToString(head);
    }

    private int run(Path dir, List<String> argv, PrintWriter out) {
        List<String> options = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.endsWith(".java")) {
                sources.add(dir.resolve(a));
            } else if (a.equals("-d") && i + 1 < argv.size()) {
                options.add(a);
                options.add(dir.resolve(argv.get(++i)).toString());
            } else {
                options.add(a);
            }
        }
        try {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
            return exitCode(javac.getTask(out, files, null, options, null, units));
        } catch (IllegalArgumentException e) {
            // a bad option: javac's command line says "error: ..." and exits with 2
            out.println("error: " + e.getMessage());
            return 2;
        } catch (RuntimeException | Error e) {
            // javac's command line reports a crash with its stack trace and exit code 4
            out.println("An exception has occurred in the compiler (" + System.getProperty("java.version") + ").");
            e.printStackTrace(out);
            if (e instanceof Error) {
                out.flush();
                throw e; // an OutOfMemoryError may have left the JVM unusable: end it, the client starts another
            }
            return 4;
        }
    }

    /**
     * Runs {@code task} and returns javac's exit code for it: {@code JavacTaskImpl.doCall()}'s {@code Main.Result},
     * through reflection since neither class is exported ({@link #JVM_OPTIONS} opens them to this class).
     */
    private static int exitCode(JavaCompiler.CompilationTask task) {
        Object result;
        try {
            result = task.getClass().getMethod("doCall").invoke(task);
            return result.getClass().getField("exitCode").getInt(result);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("javac's exit code cannot be read: " + e, e);
        }
    }

    /** Whether {@link #exitCode} can reach javac's task and its result ({@link #JVM_OPTIONS}). */
    private static boolean javacOpened() {
        Module javac = ToolProvider.getSystemJavaCompiler().getClass().getModule();
        Module self = CompileServer.class.getModule();
        return javac.isExported("com.sun.tools.javac.api", self) && javac.isExported("com.sun.tools.javac.main", self);
    }

    static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
