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
 * DONE exit bytes head          (server) javac's exit code (0 ok, 1 errors, 4 it threw), how many bytes it
 *                               printed, and the first {@link #HEAD_BYTES} of them (relative to dir again)
 * </pre>
 * Only the protocol goes to the real standard output; whatever else the JDK prints goes to standard error. A
 * request it cannot read ends the server (exit 2): the client then compiles in a JVM of its own.
 *
 * <p>What javac prints is the text {@code javac} prints on a command line in {@code dir}: the same diagnostics,
 * each headed by the file name as given ({@code src/Solution.java:3: error: ...}), the source line and the caret,
 * then the count of errors. The file manager, and the jars of the classpath it has opened, are kept from one
 * compile to the next; the classpath's jars do not change during a grading.
 */
public final class CompileServer {
    /** As much of javac's output as a check keeps: what a {@link Sandbox} keeps of a process's output. */
    static final int HEAD_BYTES = 8 << 10;

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    /** Reused by every compile: opening the classpath's jars is much of a cold compile's work. */
    private final StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);

    private CompileServer() {}

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing else may write into the protocol
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
            return javac.getTask(out, files, null, options, null, units).call() ? 0 : 1;
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

    static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
