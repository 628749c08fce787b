import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.Hang;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.io.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import static conclab.grader.probe.Sockets.*;

/** Public tests of the echo-loop exercise: the learner may read them. */
class EchoLoopTest {
    /** How long a client waits for bytes that should come in milliseconds: generous, the machine is shared. */
    static final int WAIT_MS = 5_000;
    /** The receive buffer of every connection the server accepts (set on the listening channel, which they inherit). */
    static final int SERVER_RECEIVE_BUFFER = 64 * 1024;

    /** Your EchoServer on an EventLoop running on a thread of its own, listening on 127.0.0.1. */
    static final class Server implements AutoCloseable {
        final EventLoop loop = new EventLoop();
        final ServerSocketChannel channel = ServerSocketChannel.open();
        /** What the loop reported: callbacks that threw. */
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<Throwable> thrown = new CopyOnWriteArrayList<>();
        final Thread thread;
        /** The loop thread's entry in /proc, for its wake-ups (null off Linux); set once the thread runs. */
        volatile java.nio.file.Path task;

        Server() throws IOException {
            loop.onError((what, e) -> {
                errors.add(what.replaceAll("java\\.nio\\.channels\\.|sun\\.nio\\.ch\\.", "") + " threw " + e);
                thrown.add(e);
            });
            try {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SERVER_RECEIVE_BUFFER);
                channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
                new EchoServer(loop).serve(channel);
            } catch (IOException | RuntimeException | Error e) {
                channel.close();
                loop.close();
                throw e;
            }
            thread = Thread.ofPlatform().name("event loop").daemon().start(() -> {
                task = ContextSwitches.currentTask();
                try {
                    loop.run();
                } catch (Throwable e) {
                    thrown.add(e);
                    errors.add("run() threw " + e);
                }
            });
        }

        /** A blocking client, connected, whose reads give up after WAIT_MS. */
        Socket connect() throws IOException {
            return connect(0);
        }

        /** As {@link #connect()}, with a receive buffer of that many bytes (0: the system's default). */
        Socket connect(int receiveBuffer) throws IOException {
            Socket s = new Socket();
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer); // before connecting: it sets the TCP window
            s.connect(channel.getLocalAddress(), WAIT_MS);
            s.setSoTimeout(WAIT_MS);
            s.setTcpNoDelay(true);
            return s;
        }

        /** Where the loop's thread is, in words: in the learner's code (and where), idle in select, or busy elsewhere. */
        String where() {
            if (!thread.isAlive()) return " The event loop has stopped (run() returned)." + report();
            StackTraceElement[] stack = thread.getStackTrace();
            String at = Evidence.where(stack);
            if (at != null) return " The loop's thread is in your code, at " + at + " (" + thread.getState() + ")." + report();
            boolean selecting = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("sun.nio.ch.")
                    && f.getMethodName().equals("doSelect"));
            return (selecting ? " The loop's thread is idle, waiting in select." : " The loop's thread is busy ("
                    + thread.getState() + "), outside your code.") + report();
        }

        /** Throws "not done" if a callback threw the stub's exception; else what the loop reported, for a message. */
        String report() {
            for (Throwable e : thrown) if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
            return errors.isEmpty() ? "" : " The event loop reported: " + errors.subList(0, Math.min(3, errors.size())) + ".";
        }

        /**
         * The interest set of the first key of the loop's selector whose channel {@code which} accepts, read on the
         * loop's thread (the only one that changes it); -1 if no valid key matches, null if the loop did not answer
         * within WAIT_MS (it is stuck: other tests say why). Plain state, no timing: how the server waits.
         */
        Integer interest(java.util.function.Predicate<java.nio.channels.SelectableChannel> which) throws Exception {
            java.nio.channels.Selector selector = loop.selector();
            java.util.concurrent.CompletableFuture<Integer> ops = new java.util.concurrent.CompletableFuture<>();
            loop.callSoon(() -> {
                int found = -1;
                for (java.nio.channels.SelectionKey k : selector.keys()) {
                    if (k.isValid() && which.test(k.channel())) {
                        found = k.interestOps();
                        break;
                    }
                }
                ops.complete(found);
            });
            try {
                return ops.get(WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return null;
            }
        }

        /** The interest set of the server's end of the connection of {@code client} (see {@link #interest}). */
        Integer interestOf(Socket client) throws Exception {
            java.net.SocketAddress peer = client.getLocalSocketAddress();
            return interest(ch -> {
                try {
                    return ch instanceof java.nio.channels.SocketChannel sc && sc.isOpen() && peer.equals(sc.getRemoteAddress());
                } catch (IOException e) {
                    return false;
                }
            });
        }

        @Override
        public void close() throws Exception {
            loop.stop();
            thread.join(Duration.ofSeconds(5));
            if (!thread.isAlive()) loop.close();
        }
    }
    /** Reads exactly {@code n} bytes from {@code s}, failing with a message naming {@code what}. */
    static byte[] readExactly(Server server, Socket s, int n, String what) throws IOException {
        byte[] got = new byte[n];
        InputStream in = s.getInputStream();
        int have = 0;
        while (have < n) {
            int r;
            try {
                r = in.read(got, have, n - have);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("Waited " + WAIT_MS / 1000 + " s for " + what + ": got " + have + " of " + n + " bytes."
                        + server.report());
            }
            if (r < 0) {
                throw new AssertionError("The server closed the connection after " + have + " of the " + n + " bytes of " + what
                        + "." + server.report());
            }
            have += r;
        }
        return got;
    }

    /** Requires the end of the stream next on {@code s}. */
    static void expectEnd(Server server, Socket s, String when) throws IOException {
        int r;
        try {
            r = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The connection stayed open " + WAIT_MS / 1000 + " s after " + when + ": the server should"
                    + " close it when the client has ended its stream (read returns -1) and all is sent back." + server.report());
        }
        if (r >= 0) throw new AssertionError("After " + when + ", the server sent a byte more than the client had sent.");
    }

    static void same(byte[] expected, byte[] got, String what) {
        if (Arrays.equals(expected, got)) return;
        int i = Arrays.mismatch(expected, got);
        throw new AssertionError("The echo of " + what + " differs from what was sent, from byte " + i + " on.");
    }

    @Test
    @Property("echoes")
    void echoesAMessage() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] hello = "hello, echo".getBytes();
            c.getOutputStream().write(hello);
            same(hello, readExactly(server, c, hello.length, "\"hello, echo\""), "\"hello, echo\"");
        }
    }

    @Test
    @Property("pieces")
    void aMessageInManyPiecesComesBackWhole() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] message = pattern(2000, 1);
            for (int i = 0; i < 50; i++) {
                byte[] piece = Arrays.copyOfRange(message, i * 40, i * 40 + 40);
                c.getOutputStream().write(piece); // each piece arrives alone: the one before is echoed already
                same(piece, readExactly(server, c, 40, "piece " + (i + 1) + " of 50 (40 bytes each)"), "piece " + (i + 1));
            }
        }
    }

    @Test
    @Property("closes")
    void theServerClosesAfterTheClientEndsItsStream() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] message = pattern(3000, 2);
            c.getOutputStream().write(message);
            c.shutdownOutput(); // the end of the client's stream
            same(message, readExactly(server, c, message.length, "a 3000-byte message"), "a 3000-byte message");
            expectEnd(server, c, "the client ended its stream and got its echo");
        }
        // the other order: all of the echo has been written and read before the end of the stream comes, so the
        // end comes to a connection with nothing left to write (a server that closes only after a write never does)
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] message = pattern(3000, 3);
            c.getOutputStream().write(message);
            same(message, readExactly(server, c, message.length, "a 3000-byte message"), "a 3000-byte message");
            c.shutdownOutput();
            expectEnd(server, c, "the client got the whole echo of its message and then ended its stream");
        }
    }

    @Test
    @Property("many-clients")
    void aHundredClientsAtOnce() throws Exception {
        int clients = 100;
        try (Server server = new Server()) {
            AtomicInteger firstEchoes = new AtomicInteger();
            CountDownLatch allFirst = new CountDownLatch(clients);
            Liveness.Task[] tasks = new Liveness.Task[clients];
            for (int i = 0; i < clients; i++) {
                byte[] message = pattern(5000, 100 + i);
                tasks[i] = Liveness.task("client " + (i + 1), () -> {
                    try (Socket c = server.connect()) {
                        c.getOutputStream().write(message, 0, 100);
                        same(Arrays.copyOf(message, 100), readExactly(server, c, 100, "a client's first 100 bytes"), "the first piece");
                        firstEchoes.incrementAndGet();
                        allFirst.countDown();
                        if (!allFirst.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
                            throw new AssertionError("Only " + firstEchoes.get() + " of " + clients + " clients connected at once"
                                    + " got their first piece echoed within " + WAIT_MS / 1000 + " s: does a callback block"
                                    + " the loop while it serves one client?" + server.report());
                        }
                        c.getOutputStream().write(message, 100, message.length - 100);
                        c.shutdownOutput();
                        same(Arrays.copyOfRange(message, 100, message.length),
                                readExactly(server, c, message.length - 100, "the rest of a client's message"), "the rest");
                        expectEnd(server, c, "the client ended its stream");
                    }
                });
            }
            try {
                Liveness.finish(clients + " clients at once", Duration.ofSeconds(60), tasks);
            } catch (AssertionError e) {
                if (firstEchoes.get() < clients) {
                    throw new AssertionError("Only " + firstEchoes.get() + " of " + clients + " clients connected at once got"
                            + " their first piece echoed: does a callback block the loop while it serves one client?"
                            + server.report(), e);
                }
                throw e;
            }
        }
    }

    /** The most times an idle loop's thread may be woken in a second: blocked in select, it is woken by events only. */
    static final long MOST_WAKES = 6;

    /**
     * The CPU time used by the loop's thread over a second, next to what a spinning thread got meanwhile, and how many
     * times it was woken (voluntary context switches; -1 off Linux).
     */
    record Cpu(long loop, long spinner, long wall, long woke) {
        /**
         * Whether the loop's thread spins: it used more than a twentieth of the wall time, or (on a machine so busy that
         * a spinning thread gets less than that) more than a quarter of what a spinning thread got. Waiting in select,
         * it uses next to nothing.
         */
        boolean spins() {
            return loop > wall / 20 || (loop > 2_000_000 && loop > spinner / 4);
        }

        /**
         * Whether the loop's thread polls: it was woken more than MOST_WAKES times while nothing happened. A timer that
         * retries (callLater every 5 ms wakes it 200 times a second) uses too little CPU for {@link #spins} to see.
         */
        boolean polls() {
            return woke > MOST_WAKES;
        }

        /** Whether the loop's thread did work while nothing happened: it spins or polls. */
        boolean busy() {
            return spins() || polls();
        }

        /** "it spins" or "it polls ...", for a failure message of a {@link #busy} loop. */
        String verdict() {
            return spins() ? "it spins" : "it polls: a timer (callLater) or a select with a time limit wakes it again and"
                    + " again although nothing happens";
        }

        String describe() {
            return "the event loop's thread used " + loop / 1_000_000 + " ms of CPU in " + wall / 1_000_000 + " ms (a thread"
                    + " spinning meanwhile got " + spinner / 1_000_000 + " ms)" + (woke < 0 ? "" : " and was woken " + woke
                    + " times (at most " + MOST_WAKES + " allowed)");
        }
    }

    /** Measures {@link Cpu} over a bounded second, with a spinning thread of the test's own as the yardstick. */
    static Cpu cpuOverASecond(Server server) throws InterruptedException {
        Thread loopThread = server.thread;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().daemon().name("spinner").start(() -> {
            started.countDown();
            long x = 0;
            while (!stop.get()) x += System.nanoTime() & 1;
            if (x == 42) System.out.print(""); // keeps the loop from being optimised away
        });
        try {
            started.await(WAIT_MS, TimeUnit.MILLISECONDS);
            long loop0 = mx.getThreadCpuTime(loopThread.threadId()), spin0 = mx.getThreadCpuTime(spinner.threadId());
            long woke0 = ContextSwitches.of(server.task);
            long wall0 = System.nanoTime();
            new CountDownLatch(1).await(1, TimeUnit.SECONDS); // a bounded wait: what counts is what the loop does meanwhile
            long loop = mx.getThreadCpuTime(loopThread.threadId()) - loop0, spin = mx.getThreadCpuTime(spinner.threadId()) - spin0;
            long woke1 = ContextSwitches.of(server.task);
            return new Cpu(loop, spin, System.nanoTime() - wall0, woke0 < 0 || woke1 < 0 ? -1 : woke1 - woke0);
        } finally {
            stop.set(true);
            spinner.join(WAIT_MS);
        }
    }

    /** N blocking clients, all connected before any sends a byte, then each in turn (the last first) served once. */
    static List<Socket> connectAndServeEachInTurn(Server server, int n) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) sockets.add(server.connect());
            for (int i = n - 1; i >= 0; i--) {
                byte[] line = ("client " + (i + 1) + " of " + n + ": hello\n").getBytes(StandardCharsets.UTF_8);
                sockets.get(i).getOutputStream().write(line);
                same(line, readExactly(server, sockets.get(i), line.length, "the echo of client " + (i + 1) + " of " + n
                        + " (all connected, the last served first)"), "client " + (i + 1) + "'s line");
            }
            return sockets;
        } catch (IOException | RuntimeException | Error e) {
            for (Socket s : sockets) s.close();
            throw e;
        }
    }

    /**
     * What the server does to its connections, seen by the JDK's flight recorder (JFR) while it runs: every read and
     * write on a socket (jdk.SocketRead, jdk.SocketWrite, however short), with the thread that made it, and every
     * platform thread started (jdk.ThreadStart), with the stack that started it. A read or a write handed to another
     * thread for a moment (a virtual thread, a pool's) is seen, though that thread is gone by the end.
     */
    static final class Recorder implements AutoCloseable {
        final jdk.jfr.Recording recording = new jdk.jfr.Recording();

        Recorder() {
            recording.enable("jdk.SocketRead").withThreshold(Duration.ZERO).withoutStackTrace();
            recording.enable("jdk.SocketWrite").withThreshold(Duration.ZERO).withoutStackTrace();
            recording.enable("jdk.ThreadStart").withStackTrace();
            recording.start();
        }

        /**
         * Stops recording; returns, one line each, the reads and writes on the server's side of its connections
         * (those whose peer is not the listening port) made by a thread other than {@code loop}, and the threads
         * started from the server's code (a frame of a class in the default package, not the tests').
         */
        List<String> offTheLoop(Server server) throws IOException {
            recording.stop();
            int listening = ((InetSocketAddress) server.channel.getLocalAddress()).getPort();
            Path file = Files.createTempFile("echo-loop", ".jfr");
            Map<String, Integer> counts = new java.util.LinkedHashMap<>();
            try {
                recording.dump(file);
                for (jdk.jfr.consumer.RecordedEvent e : jdk.jfr.consumer.RecordingFile.readAllEvents(file)) {
                    String type = e.getEventType().getName();
                    if (type.equals("jdk.ThreadStart")) {
                        if (e.getStackTrace() == null || e.getStackTrace().getFrames().stream().noneMatch(f ->
                                isServers(f.getMethod().getType().getName()))) continue;
                        jdk.jfr.consumer.RecordedThread t = e.getValue("thread");
                        counts.merge("started thread \"" + (t == null ? "?" : t.getJavaName()) + "\"", 1, Integer::sum);
                        continue;
                    }
                    if (e.getInt("port") == listening) continue; // a test client's side
                    jdk.jfr.consumer.RecordedThread t = e.getThread();
                    if (t != null && t.getJavaThreadId() == server.thread.threadId()) continue;
                    String who = t == null ? "an unknown thread" : t.isVirtual() ? "a virtual thread"
                            : "thread \"" + t.getJavaName() + "\"";
                    counts.merge((type.endsWith("Read") ? "read" : "write") + " on " + who, 1, Integer::sum);
                }
            } finally {
                Files.deleteIfExists(file);
            }
            List<String> lines = new ArrayList<>();
            counts.forEach((what, n) -> lines.add(n + " x " + what));
            return lines;
        }

        /** A class of the learner's: in the default package, and not one of the tests'. */
        static boolean isServers(String className) {
            return !className.contains(".") && !className.startsWith("EchoLoopTest") && !className.startsWith("EchoLoopHiddenTest");
        }

        @Override
        public void close() {
            recording.close();
        }
    }

    /**
     * 100 clients connected, each served once and still connected: no thread but the loop's may run the server's
     * code (a thread per client, virtual or not, with blocking calls, is caught here), or read or write a connection
     * (a read or write handed to a virtual thread or a pool for a moment, seen by JFR), and the server may start none.
     */
    @Test
    @Property("one-thread")
    void everyConnectionIsServedOnTheLoopsThread() throws Exception {
        int n = 100;
        Recorder recorder = new Recorder(); // first: the threads it starts are among those before
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (recorder; Server server = new Server()) {
            List<Socket> sockets = connectAndServeEachInTurn(server, n);
            try {
                List<String> off = recorder.offTheLoop(server);
                if (!off.isEmpty()) {
                    throw new AssertionError("While it served " + n + " clients, your server read or wrote its connections,"
                            + " or started threads, off the event loop's thread (seen by the flight recorder): "
                            + off.subList(0, Math.min(5, off.size())) + (off.size() > 5 ? " ..." : "") + ". Every read and"
                            + " write is made by a callback on the loop's one thread: a non-blocking call takes no time"
                            + " to hand to another thread.");
                }
                List<String> others = Hang.threadsRunningTheSolution(server.thread);
                if (!others.isEmpty()) {
                    throw new AssertionError("Your server's code runs on " + others.size() + " thread(s) other than the event"
                            + " loop's: " + others.subList(0, Math.min(5, others.size())) + (others.size() > 5 ? " ..." : "")
                            + ". Every connection is served by callbacks on the loop's one thread, with non-blocking calls.");
                }
                List<String> started = new ArrayList<>();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (!before.contains(t) && t != server.thread && t.isAlive() && !t.getName().startsWith("JFR ")) {
                        started.add(t.getName()); // JFR starts threads of its own as it likes: "JFR Periodic Tasks"
                    }
                }
                if (!started.isEmpty()) {
                    throw new AssertionError("While it served " + n + " clients, the server started " + started.size()
                            + " thread(s): " + started.subList(0, Math.min(5, started.size())) + (started.size() > 5 ? " ..." : "")
                            + ". A server on an event loop needs no thread but the loop's.");
                }
            } finally {
                for (Socket s : sockets) s.close();
            }
        }
    }

    /**
     * 100 clients connected, each served once, then silent for a second: the loop's thread must wait in select and use
     * almost no CPU (at most a twentieth of the time, and a quarter of what a thread spinning meanwhile gets). A loop watching for "writable" with nothing to write, or for
     * "readable" with no room to read into, calls its callbacks again and again: it spins.
     */
    @Test
    @Property("no-spin")
    void anIdleServerUsesNoCpu() throws Exception {
        int n = 100;
        try (Server server = new Server()) {
            List<Socket> sockets = connectAndServeEachInTurn(server, n);
            try {
                Integer accepting = server.interest(ch -> ch == server.channel);
                if (accepting != null && (accepting < 0 || (accepting & java.nio.channels.SelectionKey.OP_ACCEPT) == 0)) {
                    throw new AssertionError("While " + n + " clients were connected and sent nothing, the listening channel"
                            + (accepting < 0 ? " was not on the loop's selector" : " was not watched for acceptable (its"
                            + " interest set was " + accepting + ")") + ": a new client is then noticed only when something"
                            + " else wakes the loop (a timer that tries accept() again), late, and the loop wakes for"
                            + " nothing meanwhile. Watch it with loop.onAcceptable(channel, ...) and accept when that fires."
                            + server.where());
                }
                Cpu cpu = cpuOverASecond(server);
                if (cpu.busy()) {
                    throw new AssertionError("While " + n + " clients were connected and sent nothing, " + cpu.describe()
                            + ": " + cpu.verdict() + ". Watch for"
                            + " \"writable\" only while there are bytes to write back, and for \"readable\" only while pending"
                            + " has room (onWritable/onReadable with null to stop)." + server.where());
                }
            } finally {
                for (Socket s : sockets) s.close();
            }
        }
    }
}
