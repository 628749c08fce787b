import conclab.grader.probe.Descriptors;
import conclab.grader.probe.Kept;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import static conclab.grader.probe.Sockets.*;

/** Hidden tests of the coro-echo exercise: run when grading only. */
class CoroEchoHiddenTest {
    static final int WAIT_MS = CoroEchoTest.WAIT_MS;

    /**
     * The client sends 16 MB (far more than the socket buffers on the way hold) and starts reading only when it has
     * sent all, or when its writing has made no progress for a second: a server that writes each piece back whole
     * before it reads more gets there; one that drops what a partial write did not take loses bytes.
     */
    @Test
    @Property("partial-writes")
    void sixteenMegabytesToALateReader() throws Exception {
        byte[] big = pattern(16 << 20, 7);
        try (CoroEchoTest.Server server = new CoroEchoTest.Server(); Socket c = server.connect(8 * 1024, 0)) {
            AtomicLong written = new AtomicLong();
            Thread writer = writeUntilStuck(c, big, big.length, written);
            byte[] back = readToEnd(c);
            writer.join(WAIT_MS);
            String reported = server.messages();
            if (back == null) {
                throw new AssertionError("A client sent 16 MB and read the echo late: after " + written.get() + " bytes sent,"
                        + " the echo stopped coming, and the connection was not closed (waited " + WAIT_MS / 1000 + " s)."
                        + reported);
            }
            if (!Arrays.equals(big, back)) {
                int i = Arrays.mismatch(big, back);
                throw new AssertionError("A client sent 16 MB and read the echo late (so the server's writes were partial):"
                        + " it got " + back.length + " bytes back, differing from what it sent from byte " + i
                        + " on. A write of a non-blocking channel may take only part of the buffer: the rest must be written"
                        + " when the channel can take it (Io.writeAll), before more is read." + reported);
            }
        }
    }

    /**
     * A client that never reads writes up to 32 MB: a server that reads only when it has written back what it read
     * before soon stops reading, and the client's writing stops with it; one that keeps what it cannot write in memory
     * takes it all. The limit is what the kernel holds (measured with a bounded server of the test's own) plus 4 MB.
     */
    @Test
    @Property("backpressure")
    void aClientThatNeverReads() throws Exception {
        long total = 32L << 20, kernel = kernelHolds(total, CoroEchoTest.SERVER_RECEIVE_BUFFER), limit = kernel + (4L << 20);
        if (limit >= total) return; // this machine's socket buffers hold it all: no server could be caught here
        try (CoroEchoTest.Server server = new CoroEchoTest.Server(); Socket c = silentClient(server.channel.getLocalAddress())) {
            AtomicLong written = new AtomicLong();
            Thread writer = writeUntilStuck(c, pattern(64 * 1024, 11), total, written);
            long took = written.get();
            c.close(); // the writer, if it still waits, gets an exception
            writer.join(WAIT_MS);
            if (took > limit) {
                throw new AssertionError("A client that reads none of its echo sent " + mb(took) + ", and the server took it"
                        + " all" + (took >= total ? "" : " (more than " + mb(limit) + ", where a server that reads only what"
                        + " it has written back takes " + mb(kernel) + ", the kernel's buffers)") + ": it keeps in memory"
                        + " what it cannot write back. Read more only when what was read before has been written back (the"
                        + " client then waits: backpressure)." + server.messages());
            }
        }
    }
    @Test
    @Property("disconnect")
    void clientsThatLeaveMidMessage() throws Exception {
        List<WeakReference<SocketChannel>> ends = new ArrayList<>();
        leaveMidMessage(ends);
        nothingKept(ends);
    }

    /**
     * Ten clients leave in the middle of a message (every other one resets its connection), while another is served
     * whole: their connections must be closed. The server's end of each connection is added to {@code ends} (weakly:
     * the test keeps none of them), for {@link #nothingKept}.
     */
    void leaveMidMessage(List<WeakReference<SocketChannel>> ends) throws Exception {
        int leavers = 10;
        try (CoroEchoTest.Server server = new CoroEchoTest.Server()) {
            int before = (int) Descriptors.count(Descriptors.SOCKET); // the listening channel and the JVM's own: no connection yet
            byte[] message = pattern(2000, 9);
            java.util.List<Socket> left = new java.util.ArrayList<>(); // closed by the test, whatever happens
            try (Socket stayer = server.connect()) {
                stayer.getOutputStream().write(message, 0, 1000);
                CoroEchoTest.same(Arrays.copyOf(message, 1000),
                        CoroEchoTest.readExactly(server, stayer, 1000, "the first half of a message"), "the first half");
                serversEnd(server, stayer, ends);
                for (int i = 0; i < leavers; i++) {
                    Socket leaver = server.connect();
                    left.add(leaver);
                    leaver.getOutputStream().write(pattern(1000, 20 + i)); // half of a 2000-byte message
                    CoroEchoTest.readExactly(server, leaver, 1000, "the echo of a leaving client's first half");
                    serversEnd(server, leaver, ends);
                    if (i % 2 == 1) leaver.setSoLinger(true, 0); // every other one resets the connection instead
                    leaver.close();
                }
                stayer.getOutputStream().write(message, 1000, 1000);
                stayer.shutdownOutput();
                CoroEchoTest.same(Arrays.copyOfRange(message, 1000, 2000), CoroEchoTest.readExactly(server, stayer, 1000,
                        "the second half of a message, sent after " + leavers + " other clients left mid-message"), "the second half");
                CoroEchoTest.expectEnd(server, stayer, "the client ended its stream");
            } finally {
                for (Socket s : left) s.close();
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            int open;
            while ((open = (int) Descriptors.count(Descriptors.SOCKET) - before) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            if (open > 0) {
                int tasks = server.ask("count the unfinished tasks", () -> server.scheduler.unfinished().size());
                throw new AssertionError(leavers + " clients left in the middle of a message (" + leavers / 2 + " closed their"
                        + " connection, " + leavers / 2 + " reset it), and another ended normally; " + WAIT_MS / 1000
                        + " s later, " + open + " of these " + (leavers + 1) + " connections were still open on the server"
                        + " (sockets counted in /proc/self/fd), and " + tasks + " task(s) were unfinished. Close a connection"
                        + " however its task ends: at the end of the stream, and when a read or write throws because the"
                        + " client reset it (try-with-resources, or finally)." + server.messages());
            }
            // a client that reads none of its echo, so that its task waits in the middle of a write; then it resets
            String sent;
            try (LateReader late = LateReader.start(server, pattern(64 * 1024, 31), 32L << 20)) {
                if (!late.stuck()) return; // this machine's buffers took it all: the task never waited to write
                sent = mb(late.written().get());
                serversEnd(server, late.socket(), ends);
                late.socket().setSoLinger(true, 0);
                late.socket().close(); // a reset: the task's write, when it is tried, throws
            }
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while ((open = (int) Descriptors.count(Descriptors.SOCKET) - before) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            if (open > 0) {
                throw new AssertionError("A client sent " + sent + " and read none of its echo, so that the server's task"
                        + " waited to write back to it; then the client reset its connection. " + WAIT_MS / 1000 + " s"
                        + " later, its connection was still open on the server (sockets counted in /proc/self/fd): the"
                        + " write threw (connection reset) and nothing closed the channel. Close a connection however its"
                        + " task ends, a failed write included (try-with-resources, or finally)." + server.messages());
            }
        }
    }

    /**
     * Adds to {@code ends}, weakly, the server's end of the connection of {@code client}, found among the keys of the
     * scheduler's selector, on its thread; nothing if none is there (a server whose tasks do not wait through the
     * scheduler is judged by other properties). Asked once the server has echoed the client's bytes: its task then
     * waits to read, and its channel is registered.
     */
    static void serversEnd(CoroEchoTest.Server server, Socket client, List<WeakReference<SocketChannel>> ends)
            throws InterruptedException {
        java.net.SocketAddress peer = client.getLocalSocketAddress();
        WeakReference<SocketChannel> end = server.ask("find the server's end of a client's connection", () -> {
            for (java.nio.channels.SelectionKey k : server.scheduler.loop().selector().keys()) {
                try {
                    if (k.channel() instanceof SocketChannel sc && sc.isOpen() && peer.equals(sc.getRemoteAddress())) {
                        return new WeakReference<>(sc);
                    }
                } catch (IOException e) {
                    // closed meanwhile: not this one
                }
            }
            return null;
        });
        if (end != null) ends.add(end);
    }

    /**
     * Once the server is gone (its scheduler stopped and closed, and nothing of the test holds it), a full GC must find
     * every one of {@code ends} unreachable: a connection still reachable is held by something that outlives the
     * server, a static field of the learner's classes most likely (a list of every connection accepted, shared by
     * every server, never emptied).
     */
    static void nothingKept(List<WeakReference<SocketChannel>> ends) {
        long kept = Kept.stillReachable(ends);
        if (kept > 0) {
            throw new AssertionError("Ten clients left in the middle of a message and another was served; then the server"
                    + " was closed (its scheduler stopped and closed), and nothing of the test held it. After a full"
                    + " garbage collection, " + kept + " of the " + ends.size() + " connections (the server's"
                    + " SocketChannel) " + (kept == 1 ? "was" : "were") + " still reachable: something that outlives"
                    + " the server keeps them, and with them whatever they hold" + Kept.staticFieldsNote(CoroEcho.class)
                    + ". A connection belongs to its task: keep it in the task's"
                    + " locals, not in a static collection, which every server shares and which grows with every"
                    + " connection for as long as the program runs.");
        }
    }

    /** The most steps of the server's tasks in the second while accept fails: the reference makes one (it waits 1 s). */
    static final long MOST_STEPS_WHILE_ACCEPT_FAILS = 5;

    /**
     * The process runs out of file descriptors (EMFILE, see {@link OutOfDescriptors}) and a client connects: the
     * kernel completes the connection, the listening channel is acceptable, and every accept fails with "Too many
     * open files" until a descriptor is free. The server must survive it without holding the thread: two turns of
     * the scheduler's loop must come (an acceptor that retries at once never gives the thread back), and in the
     * second after them its tasks may be resumed at most {@link #MOST_STEPS_WHILE_ACCEPT_FAILS} times, with almost
     * no CPU (one that retries after Scheduler.pause() or a short sleep is resumed again and again). Then the
     * descriptors are given back: the client that waited must be served (an acceptor that the failure ended serves
     * no one any more). Not judged where this JVM's descriptor limit cannot be lowered (no prlimit, no /proc).
     */
    @Test
    @Property("accept-fails")
    void aFailedAcceptIsTriedAgainLater() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (CoroEchoTest.Server server = new CoroEchoTest.Server()) {
            try (Socket first = server.connect()) { // the server's code runs once before: its classes are loaded
                byte[] hello = "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                first.getOutputStream().write(hello);
                CoroEchoTest.same(hello, CoroEchoTest.readExactly(server, first, hello.length, "a first line"), "a first line");
            }
            OutOfDescriptors.loadClassesBeside(CoroEcho.class); // and any other class of its folder: no file opens later
            long steps0 = server.ask("count the steps of its tasks", server.scheduler::steps);
            SocketChannel client = SocketChannel.open(); // its descriptor now: none is left once the JVM is out of them
            try (client) {
                try (OutOfDescriptors out = OutOfDescriptors.take()) {
                    if (out == null) return; // this machine cannot make accept fail: not judged
                    client.connect(server.channel.getLocalAddress()); // done by the kernel; the server's accept fails
                    // Two turns of the loop after the connection came (each answers a question handed in): the acceptor
                    // has been resumed with the listening channel acceptable, and has tried to accept, and failed.
                    long steps1 = 0;
                    for (int turn = 0; turn < 2; turn++) steps1 = stepsOrFail(server);
                    long cpu0 = mx.getThreadCpuTime(server.thread.threadId()), wall0 = System.nanoTime();
                    // Through the next second, a question every 50 ms: the scheduler's thread must answer each soon. An
                    // acceptor that waits by holding the thread (Thread.sleep) keeps every other task from running.
                    while (System.nanoTime() - wall0 < TimeUnit.SECONDS.toNanos(1)) {
                        long asked = System.nanoTime();
                        stepsOrFail(server);
                        long answered = (System.nanoTime() - asked) / 1_000_000;
                        if (answered > HELD_MS) {
                            throw new AssertionError(OUT_OF_DESCRIPTORS + " A question handed to the scheduler then waited "
                                    + answered + " ms for its thread (at most " + HELD_MS + " ms allowed): something held the"
                                    + " thread instead of giving it back, as a Thread.sleep in a task does. Wait through the"
                                    + " scheduler before trying again: Scheduler.sleep(Duration.ofSeconds(1)), which lets the"
                                    + " other tasks run meanwhile." + server.messages());
                        }
                        new CountDownLatch(1).await(50, TimeUnit.MILLISECONDS); // spaces the questions
                    }
                    long cpu = mx.getThreadCpuTime(server.thread.threadId()) - cpu0, wall = System.nanoTime() - wall0;
                    long steps = stepsOrFail(server) - steps1;
                    if (steps > MOST_STEPS_WHILE_ACCEPT_FAILS || cpu > wall / 20) {
                        throw new AssertionError(OUT_OF_DESCRIPTORS + " In the next " + wall / 1_000_000 + " ms, the scheduler"
                                + " resumed tasks " + steps + " times and its thread used " + cpu / 1_000_000 + " ms of CPU (at"
                                + " most " + MOST_STEPS_WHILE_ACCEPT_FAILS + " steps allowed): the acceptor tries again at once,"
                                + " or after too short a pause, and fails again, for as long as no descriptor is free. Wait"
                                + " through the scheduler before trying again: Scheduler.sleep(Duration.ofSeconds(1)), as"
                                + " asyncio does." + server.messages());
                    }
                }
                // descriptors are free again: the acceptor's next try takes the client, which must be served
                Socket s = client.socket();
                s.setSoTimeout(WAIT_MS);
                byte[] line = "served after all\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                s.getOutputStream().write(line);
                Got echo = readAtMost(s, line.length);
                if (!echo.stopped().isEmpty()) {
                    long steps = server.ask("count the steps of its tasks", server.scheduler::steps) - steps0;
                    throw new AssertionError("The process ran out of file descriptors while a client connected, so accept"
                            + " failed (\"Too many open files\"); then descriptors were free again, and the client sent a"
                            + " line: it got " + echo.bytes().length + " of its " + line.length + " bytes back, then "
                            + echo.stopped() + " (the tasks had made " + steps + " steps since the client connected). A"
                            + " failed accept must not end the acceptor: catch the IOException, wait a second through"
                            + " the scheduler, and try again." + server.messages());
                }
                CoroEchoTest.same(line, echo.bytes(), "the line of the client that connected while accept failed");
            }
        }
    }

    /** What the process and the client did, for the messages of {@link #aFailedAcceptIsTriedAgainLater}. */
    static final String OUT_OF_DESCRIPTORS = "The process ran out of file descriptors, and a client connected: every accept"
            + " fails (\"Too many open files\") until a descriptor is free.";

    /**
     * How long a question handed to the scheduler may wait for its thread while accept fails: a task that holds the
     * thread for a second (Thread.sleep(1000)) makes one wait far longer; a loaded machine, far less.
     */
    static final long HELD_MS = 500;

    /**
     * The scheduler's steps, asked on its thread (one turn of its loop); fails, saying why, if it does not answer within
     * WAIT_MS while accept fails: a task holds the thread, or the scheduler's run() has returned (no task was left).
     */
    static long stepsOrFail(CoroEchoTest.Server server) throws InterruptedException {
        AtomicLong steps = new AtomicLong();
        CountDownLatch asked = new CountDownLatch(1);
        server.scheduler.loop().callSoon(() -> {
            steps.set(server.scheduler.steps());
            asked.countDown();
        });
        if (asked.await(WAIT_MS, TimeUnit.MILLISECONDS)) return steps.get();
        if (server.scheduler.loop().runner() == null) { // the loop no longer runs: no task was left to wait for
            throw new AssertionError(OUT_OF_DESCRIPTORS + " The scheduler's run() then returned, as it does when no task is"
                    + " left: the acceptor ended when accept failed, and the server would accept no one any more. A failed"
                    + " accept must not end it: catch the IOException, wait through the scheduler"
                    + " (Scheduler.sleep(Duration.ofSeconds(1)), as asyncio does), and try again." + server.messages());
        }
        throw new AssertionError(OUT_OF_DESCRIPTORS + " The scheduler's thread then did not get to a question of the check in "
                + WAIT_MS / 1000 + " s: " + server.where() + " An acceptor that tries accept again at once, when it fails,"
                + " never gives the thread back. Catch the IOException and wait through the scheduler before trying again:"
                + " Scheduler.sleep(Duration.ofSeconds(1)), as asyncio does.");
    }

    /**
     * While open, this JVM is out of file descriptors: every open, socket or accept fails with EMFILE ("Too many open
     * files"), as when a server has as many connections as its limit allows. Its soft limit of open files is lowered
     * (by util-linux's prlimit, run as a child process: the JDK cannot set it) to 32 above the number open now, and
     * /dev/null is opened until the kernel refuses; close() gives those back and restores the limit. Class files
     * cannot be opened meanwhile either: load the ones needed first ({@link #loadClassesBeside}).
     */
    static final class OutOfDescriptors implements AutoCloseable {
        private final List<java.nio.channels.FileChannel> held;
        private final String limit;

        private OutOfDescriptors(List<java.nio.channels.FileChannel> held, String limit) {
            this.held = held;
            this.limit = limit;
        }

        /** Takes every descriptor left; null, with nothing changed, where this cannot be done. */
        static OutOfDescriptors take() throws IOException, InterruptedException {
            String limit = limit(); // "soft:hard"
            long open = Descriptors.count(target -> true);
            if (limit == null || open < 0 || !prlimit((open + 32) + ":" + limit.split(":")[1])) return null;
            List<java.nio.channels.FileChannel> held = new ArrayList<>();
            try {
                for (long i = 0; i < open + 64; i++) held.add(java.nio.channels.FileChannel.open(java.nio.file.Path.of("/dev/null")));
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().contains("Too many open files")) return new OutOfDescriptors(held, limit);
            }
            new OutOfDescriptors(held, limit).close(); // the limit did not hold: give all back
            return null;
        }

        /** This JVM's limit of open files as "soft:hard" (/proc/self/limits), or null. */
        private static String limit() {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                    if (!line.startsWith("Max open files")) continue;
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[0] + ":" + f[1];
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return null;
        }

        /** Sets this JVM's limit of open files to {@code softHard} with prlimit; whether it did. */
        private static boolean prlimit(String softHard) throws InterruptedException {
            try {
                Process p = new ProcessBuilder("prlimit", "--pid", Long.toString(ProcessHandle.current().pid()),
                        "--nofile=" + softHard).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor(WAIT_MS, TimeUnit.MILLISECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                return false; // no prlimit here
            }
        }

        /** Gives the descriptors back, then restores the limit. */
        @Override
        public void close() throws IOException, InterruptedException {
            for (java.nio.channels.FileChannel c : held) c.close();
            if (!prlimit(limit)) throw new IllegalStateException("the check could not restore this JVM's limit of open files, " + limit);
        }

        /**
         * Loads (without initialising) every class in the folder {@code type} was loaded from: the solution's and the
         * tests' classes come from a folder, one open file each, and none can be opened while the JVM is out of
         * descriptors (a jar, open already, needs none). A class that fails to load is left for its first use.
         */
        static void loadClassesBeside(Class<?> type) throws Exception {
            java.nio.file.Path folder = java.nio.file.Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!java.nio.file.Files.isDirectory(folder)) return;
            List<String> names;
            try (var files = java.nio.file.Files.walk(folder)) {
                names = files.map(f -> folder.relativize(f).toString()).filter(f -> f.endsWith(".class"))
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace(java.io.File.separatorChar, '.')).toList();
            }
            for (String name : names) {
                try {
                    Class.forName(name, false, type.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // left for its first use
                }
            }
        }
    }

    /** A client that sends and reads none of its echo until told: its socket, its writer, and the bytes it wrote. */
    record LateReader(Socket socket, Thread writer, AtomicLong written, byte[] data) implements AutoCloseable {
        /**
         * Connects a client with a small receive buffer that sends up to {@code total} bytes of {@code data} (then ends
         * its stream) and reads nothing; returns when it has sent all, or when its writing has made no progress for a
         * second: the server's echo to it is stuck then (a server that writes back before it reads more stops reading).
         */
        static LateReader start(CoroEchoTest.Server server, byte[] data, long total) throws IOException, InterruptedException {
            Socket c = server.connect(8 * 1024, 0);
            AtomicLong written = new AtomicLong();
            return new LateReader(c, writeUntilStuck(c, data, total, written), written, data);
        }

        /** Whether its writing is stuck: the writer still waits to send, the server no longer reads from it. */
        boolean stuck() {
            return writer.isAlive();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            socket.close(); // the writer, if it still waits, gets an exception
            writer.join(WAIT_MS);
        }
    }

    /** The most steps of the server's tasks in the second that both clients wait: a correct server makes none. */
    static final long MOST_STEPS_WHILE_STUCK = 5;

    /**
     * A client reads none of its echo, so that the server's writes to it take nothing and its task must wait to write.
     * Meanwhile a second client connects and sends a line: its echo must come, and the scheduler's thread must stay
     * idle (no task resumed again and again, no CPU burnt) while the two wait. A task that retries a write that took
     * nothing, at once, after Scheduler.pause() or after a Scheduler.sleep, spins or polls for as long as the first
     * client does not read.
     */
    @Test
    @Property("slow-reader")
    void anotherClientWhileOnesEchoIsStuck() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (CoroEchoTest.Server server = new CoroEchoTest.Server();
             LateReader late = LateReader.start(server, pattern(64 * 1024, 13), 32L << 20);
             Socket other = server.connect()) {
            String stuck = late.stuck() ? "while the server could not write its echo back (after " + mb(late.written().get())
                    + " sent)" : "after it had sent " + mb(late.written().get());
            byte[] line = "a line from a second client\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            other.getOutputStream().write(line);
            Got echo = readAtMost(other, line.length);
            if (!echo.stopped().isEmpty()) {
                throw new AssertionError("A client sent megabytes and read none of its echo; " + stuck + ", a second client"
                        + " connected and sent a line: it got " + echo.bytes().length + " of its " + line.length + " bytes back,"
                        + " then " + echo.stopped() + ". A write that takes nothing must wait until the channel can take"
                        + " more (Io.writeAll, Scheduler.writable), so that the thread serves the others meanwhile. The"
                        + " scheduler's thread: " + server.where());
            }
            CoroEchoTest.same(line, echo.bytes(), "the second client's line");
            if (late.stuck()) { // the echo to it is stuck: its task must wait for writable
                int ops = server.interestOf("look at what the stuck client's connection is watched for", late.socket());
                // not on the selector at all (-1): its task reads without ever waiting, and retries its writes on a timer
                if (ops < 0 || (ops & java.nio.channels.SelectionKey.OP_WRITE) == 0) {
                    throw new AssertionError("A client sent megabytes and read none of its echo; " + stuck + ", the server's"
                            + " end of its connection was not watched for writable (" + (ops < 0 ? "it was not on the"
                            + " scheduler's selector at all" : "its interest set was " + ops) + "): the task"
                            + " that writes the echo does not wait until the channel can take more (it sleeps or pauses between"
                            + " tries), so the rest goes out late, and the thread wakes for nothing meanwhile. Wait in"
                            + " Io.writeAll (or Scheduler.writable)." + server.messages());
                }
            }
            long steps0 = server.ask("count the steps of its tasks", server.scheduler::steps);
            long cpu0 = mx.getThreadCpuTime(server.thread.threadId()), wall0 = System.nanoTime();
            new CountDownLatch(1).await(1, TimeUnit.SECONDS); // a bounded wait: what counts is what the server does meanwhile
            long cpu = mx.getThreadCpuTime(server.thread.threadId()) - cpu0, wall = System.nanoTime() - wall0;
            long steps = server.ask("count the steps of its tasks", server.scheduler::steps) - steps0;
            // a task that waits in Scheduler.writable or Io is not resumed until its channel is ready: 0 steps here
            // (a few allowed); one that sleeps between tries of its write is resumed at each try, 20 a second at 50 ms
            if (steps > MOST_STEPS_WHILE_STUCK || cpu > wall / 20) {
                throw new AssertionError("A client sent megabytes and read none of its echo, and a second client waited silent"
                        + " after its echo: in " + wall / 1_000_000 + " ms, the scheduler resumed tasks " + steps + " times and"
                        + " its thread used " + cpu / 1_000_000 + " ms of CPU. A write that takes nothing is retried (at once,"
                        + " after Scheduler.pause() or after a Scheduler.sleep) instead of waiting until the channel can take more (Io.writeAll,"
                        + " Scheduler.writable)." + server.messages());
            }
        }
    }

    /**
     * Client A (a small receive buffer) sends 16 MB and reads its echo only later, so the server's task for A waits,
     * in the middle of writing back what it read, while client B sends 10 lines, one after the other's echo. Then A
     * reads: both echoes must come back byte for byte. A buffer shared by the tasks (a static field, say) is
     * overwritten by B's reads while A's task waits to write it.
     */
    @Test
    @Property("own-buffer")
    void eachConnectionKeepsItsOwnBytes() throws Exception {
        byte[] data = pattern(1 << 20, 17);
        try (CoroEchoTest.Server server = new CoroEchoTest.Server();
             LateReader a = LateReader.start(server, data, 16L << 20);
             Socket b = server.connect()) {
            String when = "while client A, which had sent " + mb(a.written().get()) + ", read none of its echo";
            for (int i = 1; i <= 10; i++) {
                byte[] line = ("line " + i + " of client B\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                b.getOutputStream().write(line);
                Got echo = readAtMost(b, line.length);
                if (!echo.stopped().isEmpty()) {
                    throw new AssertionError("Client B sent line " + i + " of 10 " + when + ": it got " + echo.bytes().length
                            + " of its " + line.length + " bytes back, then " + echo.stopped() + ". The scheduler's thread: "
                            + server.where());
                }
                if (!Arrays.equals(line, echo.bytes())) {
                    throw new AssertionError("Client B sent line " + i + " of 10 " + when + ", and got back "
                            + new String(echo.bytes(), java.nio.charset.StandardCharsets.UTF_8).strip() + "\" instead of \""
                            + new String(line, java.nio.charset.StandardCharsets.UTF_8).strip() + "\". Each connection needs a"
                            + " buffer of its own." + server.messages());
                }
            }
            byte[] back = readToEnd(a.socket()); // A reads now: the server writes back, reads on, and A's writer goes on
            a.writer().join(WAIT_MS);
            long sent = a.written().get();
            byte[] expected = new byte[(int) sent];
            for (int at = 0; at < sent; at += data.length) System.arraycopy(data, 0, expected, at, (int) Math.min(data.length, sent - at));
            if (back == null) {
                throw new AssertionError("Client A sent " + mb(sent) + " and read its echo only after client B had exchanged"
                        + " 10 lines: the echo stopped coming, and the connection was not closed (waited " + WAIT_MS / 1000
                        + " s)." + server.messages());
            }
            if (!Arrays.equals(expected, back)) {
                int i = Arrays.mismatch(expected, back);
                throw new AssertionError("Client A sent " + mb(sent) + " and read its echo only after client B had exchanged"
                        + " 10 lines meanwhile: A got " + back.length + " bytes back, differing from what it sent from byte " + i
                        + " on: bytes were lost or overwritten while A's task waited to write back what it had read. Each"
                        + " connection needs a buffer of its own (a local of its task, not a field shared by all), and all"
                        + " of it written back (Io.writeAll) before it is read into again." + server.messages());
            }
        }
    }
}
