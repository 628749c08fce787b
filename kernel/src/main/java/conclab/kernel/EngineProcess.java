package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import conclab.kernel.engine.WovenCache;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import jdk.jshell.execution.StreamingExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine JVM, seen from the kernel: the child process, its two channels, and what it reports.
 *
 * <p>Life cycle: {@link #launch} starts the process at once (so it boots while the kernel does other work);
 * {@link #connect} waits for it to dial back on a loopback port and prove itself with a one-time token;
 * {@link #executionControl} is then what JShell talks to; {@link #kill} ends it and its children.
 *
 * <p>Threads: {@code conclab-events} reads the event channel and calls the {@link Listener};
 * {@code conclab-engine-out} and {@code conclab-engine-err} drain the process's own stdout and stderr (what
 * bypasses {@code System.out}, e.g. a child process started with {@code inheritIO()}), keeping the last lines
 * of stderr to explain a crash. Frames to the engine are written under the lock of {@link #toEngine}.
 */
final class EngineProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineProcess.class);

    /** What the engine reports; called on the event-reader or drain threads. */
    interface Listener {
        void output(long cell, byte stream, String text);

        void display(long cell, String displayId, boolean update, Map<String, String> bundle);

        /** Notebook code called {@code clearOutput(wait)}. */
        void clearOutput(long cell, boolean wait);

        void inputRequest(long cell, int request);

        /** Notebook code asked for a line magic ({@code magic(line)}); answer with {@link EngineProcess#magicReply}. */
        void magicRequest(long cell, int request, String line);

        void threadError(long cell, String thread, List<EngineWire.Failure> chain);

        /** Text the engine process wrote to its own stdout or stderr, outside {@code System.out}. */
        void processOutput(byte stream, String text);

        /** How to name a cell in a message, e.g. " (cell [4])"; "" if unknown. */
        default String describeCell(long cell) {
            return "";
        }
    }

    private final Process process;
    private final ServerSocket server;
    private final String token;
    private final Listener listener;
    private final Deque<String> lastErrors = new ArrayDeque<>();
    private Socket exec, events;
    /** The threads draining the process's stdout and stderr. */
    private final Thread drainOut, drainErr;
    private DataOutputStream toEngine;
    private StreamingExecutionControl control;
    /** The highest sync token read from the engine; guarded by this. */
    private long syncedTo;
    /** Who called System.exit ("worker (cell 4)"), as the engine reported before it ended; or null. */
    private volatile String exitCaller;

    private EngineProcess(Process process, ServerSocket server, String token, Listener listener) {
        this.process = process;
        this.server = server;
        this.token = token;
        this.listener = listener;
        this.drainOut = drain(process.getInputStream(), EngineWire.STDOUT, "conclab-engine-out");
        this.drainErr = drain(process.getErrorStream(), EngineWire.STDERR, "conclab-engine-err");
    }

    /** Starts an engine JVM; it connects back later, in {@link #connect}. */
    static EngineProcess launch(Options options, Listener listener) throws IOException {
        ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        List<String> command = new ArrayList<>();
        command.add(options.java().toString());
        command.addAll(options.engineJvmOptions());
        String engineJar = options.engineClasspath().split(java.io.File.pathSeparator)[0];
        // The agent tells who submitted which task. Not in install's training run: on JDK 25 a JVM that makes its
        // AOT cache with this agent (which redefines Thread) crashes as it writes the cache (see AotCache).
        if (engineJar.endsWith(".jar") && !Boolean.getBoolean(AotCache.TRAINING)) command.add(agent(Path.of(engineJar), false));
        command.add("-Dconclab.output.lines=" + options.outputLimit());
        command.add("-Djava.awt.headless=true"); // charts and images are drawn without a screen
        command.add("-cp");
        command.add(options.engineClasspath());
        command.add("conclab.kernel.engine.EngineMain");
        command.add(Integer.toString(server.getLocalPort()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CONCLAB_ENGINE_TOKEN", token);
        LOG.debug("starting engine: {}", command);
        try {
            return new EngineProcess(builder.start(), server, token, listener);
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /**
     * The JVM option that makes {@code engineJar} the JVM's agent, keeping the classes it weaves in the folder
     * {@link Layout#WOVEN_FOLDER} beside the jar; {@code prefill}: all of them at once (see {@link AotCache#weave}).
     */
    static String agent(Path engineJar, boolean prefill) {
        return "-javaagent:" + engineJar + "=" + WovenCache.agentArgument(engineJar.resolveSibling(Layout.WOVEN_FOLDER), prefill);
    }

    /**
     * Waits for the engine to connect its two channels. Throws with the engine's own error output if the
     * process dies first (a bad JVM option, say) or does not connect in time.
     */
    void connect(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        server.setSoTimeout(100);
        while (exec == null || events == null) {
            if (!process.isAlive()) {
                awaitDrained(Duration.ofSeconds(5)); // its last words are still in the pipe
                throw new IOException("the engine JVM exited with code " + exitCode() + " before it started"
                        + describeErrors());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the engine JVM did not start within " + timeout.toSeconds() + " s" + describeErrors());
            }
            Socket s;
            try {
                s = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(5000); // a stranger that connects and says nothing must not block the kernel
            DataInputStream hello = new DataInputStream(s.getInputStream());
            byte channel = hello.readByte();
            String offered;
            try {
                offered = hello.readUTF();
            } catch (IOException e) {
                s.close();
                continue;
            }
            if (!token.equals(offered)) {
                s.close();
                continue;
            }
            s.setSoTimeout(0);
            if (channel == EngineWire.CHANNEL_EXEC) exec = s;
            else if (channel == EngineWire.CHANNEL_EVENTS) events = s;
            else s.close();
        }
        server.close();
        toEngine = new DataOutputStream(new BufferedOutputStream(events.getOutputStream()));
        Thread.ofPlatform().name("conclab-events").daemon().start(this::readEvents);
        ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(exec.getOutputStream()));
        out.flush();
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(exec.getInputStream()));
        control = new StreamingExecutionControl(out, in) {
            @Override
            public void close() {
                kill();
            }
        };
    }

    /** What JShell uses to load and run code in this engine. */
    ExecutionControl executionControl() {
        if (control == null) throw new IllegalStateException("engine not connected");
        return control;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The thread that called System.exit, with its cell, if the engine reported one; else null. */
    String exitCaller() {
        return exitCaller;
    }

    /** The exit code, or -1 while the process runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits up to {@code timeout} for the process to end and its output to be read; returns whether it ended. */
    boolean awaitExit(Duration timeout) {
        try {
            boolean ended = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (ended) awaitDrained(timeout);
            return ended;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * The last lines the engine process wrote to its own stdout and stderr (the JVM's messages: a cell's
     * System.out and System.err go through the events channel instead), for error messages ("" if none).
     */
    String describeErrors() {
        synchronized (lastErrors) {
            if (lastErrors.isEmpty()) return "";
            return ":\n" + String.join("\n", lastErrors);
        }
    }

    /** Asks the engine to stop the work of {@code cell}. */
    void interrupt(long cell) {
        send(new EngineWire.Writer(EngineWire.INTERRUPT).putLong(cell));
    }

    /** Answers an input request; null means end of input. */
    void inputReply(int request, String text) {
        send(new EngineWire.Writer(EngineWire.INPUT_REPLY).putInt(request).putString(text));
    }

    /** Answers a magic request with what the magic gave. */
    void magicReply(int request, EngineWire.MagicReply reply) {
        send(new EngineWire.Writer(EngineWire.MAGIC_REPLY).putInt(request).putString(reply.value()).putString(reply.error()));
    }

    private void send(EngineWire.Writer frame) {
        if (toEngine == null) return;
        synchronized (toEngine) {
            try {
                frame.writeTo(toEngine);
                toEngine.flush();
            } catch (IOException e) {
                LOG.debug("engine channel closed: {}", e.toString());
            }
        }
    }

    /** Waits until the engine's sync frame {@code token} has been read (and everything before it handled). */
    synchronized boolean awaitSync(long token, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (syncedTo < token) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive() && syncedTo < token) return false;
            wait(Math.max(1, Math.min(left / 1_000_000, 100)));
        }
        return true;
    }

    private void readEvents() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(events.getInputStream(), 64 * 1024))) {
            for (EngineWire.Reader f; (f = EngineWire.Reader.next(in)) != null; ) {
                switch (f.type) {
                    case EngineWire.OUTPUT -> listener.output(f.getLong(), f.getByte(), f.getString());
                    case EngineWire.DISPLAY -> listener.display(f.getLong(), f.getString(), f.getBoolean(), f.getMap());
                    case EngineWire.CLEAR_OUTPUT -> listener.clearOutput(f.getLong(), f.getBoolean());
                    case EngineWire.INPUT_REQUEST -> listener.inputRequest(f.getLong(), f.getInt());
                    case EngineWire.MAGIC_REQUEST -> listener.magicRequest(f.getLong(), f.getInt(), f.getString());
                    case EngineWire.THREAD_ERROR -> listener.threadError(f.getLong(), f.getString(), f.getThrowable());
                    case EngineWire.EXITING -> {
                        long cell = f.getLong();
                        String thread = f.getString();
                        exitCaller = thread == null ? null : thread + listener.describeCell(cell);
                    }
                    case EngineWire.SYNC -> {
                        long t = f.getLong();
                        synchronized (this) {
                            syncedTo = Math.max(syncedTo, t);
                            notifyAll();
                        }
                    }
                    default -> LOG.warn("unknown event {} from the engine", f.type);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("event channel ended: {}", e.toString());
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /** Waits (at most {@code max}) until everything the ended process wrote has been read. */
    void awaitDrained(Duration max) {
        try {
            drainErr.join(max);
            drainOut.join(max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread drain(InputStream stream, byte which, String threadName) {
        return Thread.ofPlatform().name(threadName).daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    // Both streams: HotSpot writes its fatal-error and OutOfMemoryError reports to stdout.
                    synchronized (lastErrors) {
                        lastErrors.addLast(line);
                        if (lastErrors.size() > 20) lastErrors.removeFirst();
                    }
                    listener.processOutput(which, line + "\n");
                }
            } catch (IOException e) {
                // process gone
            }
        });
    }

    /** Ends the engine and every process it started, at once. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            server.close();
        } catch (IOException ignored) {
        }
    }

    @Override
    public void close() {
        kill();
    }
}
