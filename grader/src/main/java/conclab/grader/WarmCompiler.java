package conclab.grader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One student's compiler, kept warm from one check to the next: a JVM running {@link CompileServer}, started under
 * a {@link Sandbox} with the compiler's {@link Limits}, that compiles each of the student's checks in turn. It is
 * never given another student's code: {@link Grade} makes one per student and closes it when the student is done.
 *
 * <p>Each compile is watched as a cold compiler's JVM is ({@link Sandbox#run}): past the wall time, the threads, the
 * processes or the output of the limits, the server is killed and the compile ends with the same words a cold
 * compile's would; the next compile starts a new server. Whenever the server cannot give the verdict a cold
 * compiler would, the compile throws {@link Unavailable} and the check compiles in a JVM of its own, as without a warm
 * compiler, so that no verdict depends on the server: when the server cannot start; when it dies without being killed
 * (its CPU-time {@code ulimit} spans all its compiles, a cold compiler's only one); when javac ends with any exit code
 * but 0 (compiled) and 1 (compile errors), a crash or an {@code OutOfMemoryError} in javac among them; when its reply
 * cannot be read. The server is then dropped. After a server that could not start, or {@value #MAX_FAILURES} such
 * failures, this compiler gives up: every later compile throws {@link Unavailable} at once, so that a broken server
 * costs a student's checks one failure each at most, not a start's wait each.
 *
 * <p>Thread-safe: compiles are serialised on this object, which guards {@link #server} and the counts. The wall time
 * of a compile counts from when it is sent, not from when its caller began to wait.
 */
final class WarmCompiler implements AutoCloseable {
    /** The cold compiler's command-line options for the JVM itself ({@code -J...}): the server's JVM takes them. */
    private static final String JVM_OPTION = "-J";
    /**
     * How long a server may take to say READY. It starts in about a second on a quiet machine; past this, the machine
     * is too busy for a warm compiler to save anything, and the compiles go cold. It is not a compile's wall time,
     * which counts from the request.
     */
    static final int START_SECONDS = 30;
    /** Failures after which this compiler gives up and every compile goes cold. */
    static final int MAX_FAILURES = 3;

    private final Path javaHome;
    private final List<Path> classpath;
    private final Limits limits;
    /** The running server, or null before the first compile, after one was killed, and once closed. Guarded by this. */
    private Server server;
    /** Servers started so far (a test's window into reuse). Guarded by this. */
    private int started;
    /** Compiles that threw {@link Unavailable}; at {@link #MAX_FAILURES} no server starts again. Guarded by this. */
    private int failures;
    /** Set by {@link #close}: no server starts again. Guarded by this. */
    private boolean closed;

    /** Thrown when the warm compiler cannot compile: the caller compiles cold. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param javaHome  the JDK whose {@code bin/java} runs the server
     * @param classpath the grader's classpath, which holds {@link CompileServer}
     * @param limits    the compiler's limits, for the server's JVM and each compile
     */
    WarmCompiler(Path javaHome, List<Path> classpath, Limits limits) {
        this.javaHome = javaHome;
        this.classpath = List.copyOf(classpath);
        this.limits = limits;
    }

    /**
     * Compiles as the cold command {@code javac} (a {@code bin/javac} path, then its arguments) would in {@code work},
     * and says how it went as {@link Sandbox#run} would have.
     */
    synchronized Sandbox.Run compile(List<String> javac, Path work) throws Unavailable {
        if (closed) throw new Unavailable("closed");
        if (failures >= MAX_FAILURES) throw new Unavailable("the compile server failed " + failures + " times");
        if (server == null) server = start(jvmOptions(javac));
        long begin = System.nanoTime();
        Server s = server;
        try {
            s.send(work, arguments(javac));
        } catch (IOException e) {
            throw failed("the compile server could not be reached: " + e.getMessage());
        }
        long deadline = begin + limits.wallSeconds() * 1_000_000_000L;
        while (true) {
            String reply = s.reply(Sandbox.SAMPLE_MS);
            long millis = (System.nanoTime() - begin) / 1_000_000;
            if (reply != null) return done(reply, millis);
            String killed = System.nanoTime() > deadline ? Sandbox.tooLong(limits.wallSeconds()) : Sandbox.overLimit(s.process, limits);
            if (killed != null) {
                drop();
                return new Sandbox.Run(-1, killed, "", 0, millis);
            }
        }
    }

    /** Whether this compiler has given up: every compile now throws {@link Unavailable}. */
    synchronized boolean givenUp() {
        return failures >= MAX_FAILURES;
    }

    /** How many servers this compiler has started. */
    synchronized int serversStarted() {
        return started;
    }

    /** The process id of the running server, or -1: a test's window into which JVM compiles. */
    synchronized long pid() {
        return server == null ? -1 : server.process.pid();
    }

    /** Kills the server, if one runs; later compiles throw {@link Unavailable}. */
    @Override
    public synchronized void close() {
        closed = true;
        drop();
    }

    /** The run a DONE reply describes; anything else, or an exit code but 0 and 1, is the server's failure. */
    private Sandbox.Run done(String reply, long millis) throws Unavailable {
        if (reply.equals(Server.ENDED)) throw failed("the compile server ended");
        Sandbox.Run run = parse(reply, millis, limits);
        if (run == null) throw failed("the compile server said " + reply);
        // Only a compile or compile errors are the student's; anything else (javac crashed, ran out of memory, was
        // given a bad option) is for a cold compiler to say, as it would without the server.
        if (run.killed() == null && run.exitCode() != 0 && run.exitCode() != 1) {
            throw failed("the compile server's javac ended with exit code " + run.exitCode());
        }
        return run;
    }

    /** The run a DONE reply describes, or null when {@code reply} is not one (a line the server should not print). */
    static Sandbox.Run parse(String reply, long millis, Limits limits) {
        String[] f = reply.split(" ", -1);
        if (f.length != 4 || !f[0].equals("DONE")) return null;
        try {
            int exit = Integer.parseInt(f[1]);
            long bytes = Long.parseLong(f[2]);
            String head = CompileServer.decode(f[3]);
            if (bytes < 0) return null;
            // A cold compiler printing past the limit is killed for it; the same compile here ends as it would have.
            if (bytes > limits.outputBytes()) return new Sandbox.Run(-1, Sandbox.tooMuchOutput(limits), "", bytes, millis);
            return new Sandbox.Run(exit, null, head, bytes, millis);
        } catch (IllegalArgumentException e) { // a number or Base64 that is not one
            return null;
        }
    }

    /** Drops the server after a failure and counts it: the exception the compile throws. */
    private Unavailable failed(String why) {
        drop();
        failures++;
        return new Unavailable(why);
    }

    /** Starts a server; when it cannot, this compiler gives up ({@link #MAX_FAILURES}). */
    private Server start(List<String> jvmOptions) throws Unavailable {
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
        command.addAll(jvmOptions);
        command.addAll(CompileServer.JVM_OPTIONS);
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList()),
                CompileServer.class.getName()));
        Path dir = null;
        Process p;
        try {
            dir = Files.createTempDirectory("conclab-compiler-");
            p = Sandbox.start(command, dir, limits);
        } catch (IOException e) {
            if (dir != null) Checker.delete(dir);
            failures = MAX_FAILURES;
            throw new Unavailable("the compile server could not start: " + e.getMessage());
        }
        started++;
        Server s = new Server(p, dir);
        long deadline = System.nanoTime() + START_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            String line = s.reply(Sandbox.SAMPLE_MS);
            if ("READY".equals(line)) return s;
            if (line != null || Sandbox.overLimit(p, limits) != null) break;
        }
        s.kill();
        failures = MAX_FAILURES;
        throw new Unavailable("the compile server did not start");
    }

    private void drop() {
        if (server != null) server.kill();
        server = null;
    }

    /** The {@code -J} options of the cold command, as the server JVM's own options. */
    static List<String> jvmOptions(List<String> javac) {
        return javac.stream().skip(1).filter(a -> a.startsWith(JVM_OPTION)).map(a -> a.substring(JVM_OPTION.length())).toList();
    }

    /** The cold command's arguments for javac itself. */
    static List<String> arguments(List<String> javac) {
        return javac.stream().skip(1).filter(a -> !a.startsWith(JVM_OPTION)).toList();
    }

    /** A running server process: its pipes, and a thread that reads its replies into a queue. */
    private static final class Server {
        /** Put in the queue when the server's output ends. */
        static final String ENDED = "\0ended";
        final Process process;
        final Path dir;
        final Writer requests;
        final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

        Server(Process process, Path dir) {
            this.process = process;
            this.dir = dir;
            this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(this::read, "compile-server-replies");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) replies.add(line);
            } catch (IOException e) {
                // the process was killed
            }
            replies.add(ENDED);
        }

        void send(Path work, List<String> arguments) throws IOException {
            StringBuilder line = new StringBuilder("COMPILE ").append(CompileServer.encode(work.toAbsolutePath().toString()));
            for (String a : arguments) line.append(' ').append(CompileServer.encode(a));
            requests.write(line.append('\n').toString());
            requests.flush();
        }

        /** The next line the server wrote, {@link #ENDED}, or null if none came within {@code millis}. */
        String reply(long millis) {
            try {
                return replies.poll(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ENDED;
            }
        }

        void kill() {
            Sandbox.killTree(process);
            Checker.delete(dir);
        }
    }
}
