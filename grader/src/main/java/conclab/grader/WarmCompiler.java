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
 * compile's would; the next compile starts a new server. A server that cannot start, or dies without being killed
 * (its CPU-time {@code ulimit} spans all its compiles, a cold compiler's only one), throws {@link Unavailable}: the
 * check then compiles in a JVM of its own, as without a warm compiler, so that no verdict depends on the server.
 *
 * <p>Thread-safe: compiles are serialised on this object, which guards {@link #server}. The wall time of a compile
 * counts from when it is sent, not from when its caller began to wait.
 */
final class WarmCompiler implements AutoCloseable {
    /** The cold compiler's command-line options for the JVM itself ({@code -J...}): the server's JVM takes them. */
    private static final String JVM_OPTION = "-J";
    /**
     * How long a server may take to say READY: as long as the course's compiler may take for a compile. It is not the
     * compile's wall time, which counts from the request.
     */
    static final int START_SECONDS = 120;

    private final Path javaHome;
    private final List<Path> classpath;
    private final Limits limits;
    /** The running server, or null before the first compile, after one was killed, and once closed. Guarded by this. */
    private Server server;
    /** Servers started so far (a test's window into reuse). Guarded by this. */
    private int started;
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
        if (server == null) server = start(jvmOptions(javac));
        long begin = System.nanoTime();
        Server s = server;
        try {
            s.send(work, arguments(javac));
        } catch (IOException e) {
            drop();
            throw new Unavailable("the compile server could not be reached: " + e.getMessage());
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

    private Sandbox.Run done(String reply, long millis) throws Unavailable {
        if (reply.equals(Server.ENDED)) {
            drop();
            throw new Unavailable("the compile server ended");
        }
        String[] f = reply.split(" ", -1);
        if (f.length != 4 || !f[0].equals("DONE")) {
            drop();
            throw new Unavailable("the compile server said " + reply);
        }
        long bytes = Long.parseLong(f[2]);
        // A cold compiler printing past the limit is killed for it; the same compile here ends as it would have.
        if (bytes > limits.outputBytes()) return new Sandbox.Run(-1, Sandbox.tooMuchOutput(limits), "", bytes, millis);
        return new Sandbox.Run(Integer.parseInt(f[1]), null, CompileServer.decode(f[3]), bytes, millis);
    }

    private Server start(List<String> jvmOptions) throws Unavailable {
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList()),
                CompileServer.class.getName()));
        Path dir;
        Process p;
        try {
            dir = Files.createTempDirectory("conclab-compiler-");
            p = Sandbox.start(command, dir, limits);
        } catch (IOException e) {
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
