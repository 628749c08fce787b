import conclab.grader.probe.Hang;
import conclab.coro.Scheduler;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import static conclab.grader.probe.Sockets.*;

/** Public tests of the coro-echo exercise: the learner may read them. */
class CoroEchoTest {
    /** How long a client waits for bytes that should come, in milliseconds: generous, the machine is shared. */
    static final int WAIT_MS = 5_000;
    /** The receive buffer of every connection the server accepts (set on the listening channel, which they inherit). */
    static final int SERVER_RECEIVE_BUFFER = 64 * 1024;

    /** Your CoroEcho serving a channel on 127.0.0.1, on a Scheduler that runs on a thread of its own. */
    static final class Server implements AutoCloseable {
        final Scheduler scheduler;
        final ServerSocketChannel channel;
        /** What the scheduler reported: tasks that threw. */
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<Throwable> thrown = new CopyOnWriteArrayList<>();
        /** The scheduler's thread: it runs every task, and closes the scheduler when the test is done. */
        final Thread thread;
        /** Counted down when the test is done with the server. */
        private final CountDownLatch done = new CountDownLatch(1);

        Server() throws IOException {
            scheduler = new Scheduler();
            channel = ServerSocketChannel.open();
            try {
                scheduler.onError((task, e) -> {
                    errors.add("task '" + task.name() + "' threw " + e);
                    thrown.add(e);
                });
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SERVER_RECEIVE_BUFFER);
                channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
                CoroEcho.serve(scheduler, channel);
            } catch (IOException | RuntimeException | Error e) {
                channel.close();
                scheduler.close();
                throw e;
            }
            thread = Thread.ofPlatform().name("scheduler").daemon().start(() -> {
                try {
                    scheduler.run();
                } catch (Throwable e) {
                    thrown.add(e);
                    errors.add("run() threw " + e);
                }
                try {
                    done.await(); // run() may return early (no task can go on): the scheduler stays as it is for the test
                    scheduler.close(); // here, so that the tasks' last steps (their finally blocks) run on their own thread
                } catch (Throwable e) {
                    thrown.add(e);
                }
            });
        }

        /** A blocking client, connected, whose reads give up after WAIT_MS. */
        Socket connect() throws IOException {
            return connect(0, 0);
        }

        /** As {@link #connect()}, with receive and send buffers of that many bytes (0: the system's default). */
        Socket connect(int receiveBuffer, int sendBuffer) throws IOException {
            Socket s = new Socket();
            try {
                if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer); // before connecting: it sets the TCP window
                if (sendBuffer > 0) s.setSendBufferSize(sendBuffer);
                s.connect(channel.getLocalAddress(), WAIT_MS);
                s.setSoTimeout(WAIT_MS);
                s.setTcpNoDelay(true);
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        /**
         * The interest set of the first valid key of the scheduler's selector (its event loop's) whose channel
         * {@code which} accepts, read on the scheduler's thread; -1 if none matches. Plain state, no timing: how the
         * server's tasks wait (a task in Io.accept or Scheduler.readable(listening channel) has it watched for
         * acceptable; one in Scheduler.sleep has a timer and no interest).
         */
        int interest(String what, java.util.function.Predicate<java.nio.channels.SelectableChannel> which) throws InterruptedException {
            java.nio.channels.Selector selector = scheduler.loop().selector();
            return ask(what, () -> {
                for (java.nio.channels.SelectionKey k : selector.keys()) {
                    if (k.isValid() && which.test(k.channel())) return k.interestOps();
                }
                return -1;
            });
        }

        /** The interest set of the server's end of the connection of {@code client} (see {@link #interest}). */
        int interestOf(String what, Socket client) throws InterruptedException {
            java.net.SocketAddress peer = client.getLocalSocketAddress();
            return interest(what, ch -> {
                try {
                    return ch instanceof java.nio.channels.SocketChannel sc && sc.isOpen() && peer.equals(sc.getRemoteAddress());
                } catch (IOException e) {
                    return false;
                }
            });
        }

        /**
         * What {@code question} answers on the scheduler's thread (where the scheduler's state may be read).
         *
         * @throws AssertionError if that thread does not get to it within WAIT_MS: it is blocked, or busy
         */
        <T> T ask(String what, Supplier<T> question) throws InterruptedException {
            AtomicReference<T> answer = new AtomicReference<>();
            CountDownLatch asked = new CountDownLatch(1);
            scheduler.loop().callSoon(() -> {
                answer.set(question.get());
                asked.countDown();
            });
            if (!asked.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
                report();
                throw new AssertionError("To " + what + ", the check handed a question to the scheduler's thread, which did"
                        + " not get to it in " + WAIT_MS / 1000 + " s. The scheduler's thread: " + where());
            }
            return answer.get();
        }

        /** Where the scheduler's thread is, in words: held by a task (and where), idle in select, or stopped. */
        String where() {
            if (!thread.isAlive()) return "the scheduler has stopped (run() returned)." + messages();
            StackTraceElement[] stack = thread.getStackTrace();
            String at = Evidence.where(stack); // a frame of the learner's code: a task is running on the thread now
            if (at != null) {
                return "a task holds it, at " + at + " (" + thread.getState() + "); while a task blocks the thread, no other"
                        + " task runs." + messages();
            }
            boolean selecting = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("sun.nio.ch.")
                    && f.getMethodName().equals("doSelect"));
            return (selecting ? "it is idle, waiting in select: no task waits for this client's channel."
                    : "it is busy (" + thread.getState() + "), outside your code.") + messages();
        }

        /** Throws "not done" if a task threw the stub's exception. */
        void report() {
            for (Throwable e : thrown) if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
        }

        /** What the scheduler reported, for a failure message. */
        String messages() {
            report();
            return errors.isEmpty() ? "" : " The scheduler reported: " + errors.subList(0, Math.min(3, errors.size())) + ".";
        }

        @Override
        public void close() throws Exception {
            done.countDown();
            scheduler.stop();
            thread.join(Duration.ofSeconds(5)); // a thread that a task still blocks is left (a daemon), its scheduler open
            channel.close();
        }
    }

    /** N blocking clients, all connected before any sends a byte. */
    static final class Clients implements AutoCloseable {
        final Server server;
        final List<Socket> sockets = new ArrayList<>();

        Clients(Server server, int n) throws IOException {
            this.server = server;
            for (int i = 0; i < n; i++) sockets.add(server.connect());
        }

        static byte[] line(int i, int n, String what) {
            return ("client " + (i + 1) + " of " + n + ": " + what + "\n").getBytes(StandardCharsets.UTF_8);
        }

        /**
         * Each client, the last connected first, sends a line and reads its echo, while all the others are connected
         * and send nothing: a server that serves one client at a time, or blocks its thread in one client's read, is
         * stuck with the first one and never answers the last.
         */
        void eachInTurn() throws IOException {
            int n = sockets.size();
            for (int i = n - 1; i >= 0; i--) {
                byte[] line = line(i, n, "hello");
                Socket s = sockets.get(i);
                s.getOutputStream().write(line);
                Got echo = readAtMost(s, line.length);
                if (!echo.stopped().isEmpty()) {
                    String got = echo.bytes().length == 0 ? "no echo" : "only " + echo.bytes().length + " of its " + line.length
                            + " bytes back";
                    throw new AssertionError(n + " clients connected together, then each in turn (the last connected first)"
                            + " sent a line while the others waited silent: client " + (i + 1) + " got " + got + " ("
                            + echo.stopped() + "), after " + (n - 1 - i) + " were served. A connection must not keep"
                            + " the server from the others: each is a task that waits for its own channel, and a task never"
                            + " blocks the thread. The scheduler's thread: " + server.where());
                }
                same(line, echo.bytes(), "client " + (i + 1) + "'s line");
            }
        }

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) s.close();
        }
    }
    /** Reads exactly {@code n} bytes from {@code s}, failing with a message naming {@code what}. */
    static byte[] readExactly(Server server, Socket s, int n, String what) {
        Got got = readAtMost(s, n);
        if (!got.stopped().isEmpty()) {
            throw new AssertionError("A client waiting for " + what + " got " + got.bytes().length + " of its " + n
                    + " bytes, then " + got.stopped() + "." + server.messages());
        }
        return got.bytes();
    }

    /** Requires the end of the stream next on {@code s}. */
    static void expectEnd(Server server, Socket s, String when) throws IOException {
        int r;
        try {
            r = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The connection stayed open " + WAIT_MS / 1000 + " s after " + when + ": the server should"
                    + " close it when the client has ended its stream (read returns -1) and all is sent back."
                    + server.messages());
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
            byte[] hello = "hello, coroutines".getBytes(StandardCharsets.UTF_8);
            c.getOutputStream().write(hello);
            same(hello, readExactly(server, c, hello.length, "\"hello, coroutines\""), "\"hello, coroutines\"");
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
    }

    @Test
    @Property("many-clients")
    void fiveHundredClientsConnectedTogether() throws Exception {
        int n = 500;
        try (Server server = new Server(); Clients clients = new Clients(server, n)) {
            clients.eachInTurn();
            // Then all at once: every client sends a second line and ends its stream before any reads.
            List<byte[]> lines = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                lines.add(Clients.line(i, n, "all together now"));
                Socket s = clients.sockets.get(i);
                s.getOutputStream().write(lines.get(i));
                s.shutdownOutput();
            }
            for (int i = 0; i < n; i++) {
                Socket s = clients.sockets.get(i);
                String what = "client " + (i + 1) + "'s second line, sent while all " + n + " clients sent theirs";
                same(lines.get(i), readExactly(server, s, lines.get(i).length, what), "client " + (i + 1) + "'s second line");
                expectEnd(server, s, "client " + (i + 1) + " ended its stream");
            }
        }
    }

    @Test
    @Property("one-thread")
    void everyConnectionIsATaskOnTheSchedulersThread() throws Exception {
        int n = 200;
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        try (Server server = new Server(); Clients clients = new Clients(server, n)) {
            clients.eachInTurn();
            List<String> others = Hang.threadsRunningTheSolution(server.thread);
            if (!others.isEmpty()) {
                throw new AssertionError("Your server's code runs on " + others.size() + " thread(s) other than the"
                        + " scheduler's: " + others.subList(0, Math.min(5, others.size())) + (others.size() > 5 ? " ..." : "")
                        + ". Every connection is served by a task on the scheduler's one thread (spawn it, and wait"
                        + " with Io or Scheduler.readable/writable), not by a thread of its own.");
            }
            List<String> started = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!before.contains(t) && t != server.thread && t.isAlive()) started.add(t.getName());
            }
            if (!started.isEmpty()) {
                throw new AssertionError("While it served " + n + " clients, the server started " + started.size()
                        + " thread(s): " + started.subList(0, Math.min(5, started.size())) + (started.size() > 5 ? " ..." : "")
                        + ". A server of coroutines needs no thread but the scheduler's.");
            }
            int tasks = server.ask("count the unfinished tasks", () -> server.scheduler.unfinished().size());
            if (tasks < n) {
                throw new AssertionError(n + " clients were connected, each served once, and the scheduler had " + tasks
                        + " unfinished task(s): each connection should be a task of its own (spawned for it, ending when"
                        + " the client ends its stream), on the scheduler's thread." + server.messages());
            }
        }
    }

    @Test
    @Property("no-spin")
    void anIdleServerUsesNoCpu() throws Exception {
        int n = 200;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Server server = new Server(); Clients clients = new Clients(server, n)) {
            clients.eachInTurn();
            int accepting = server.interest("look at what the listening channel is watched for", ch -> ch == server.channel);
            if (accepting < 0 || (accepting & java.nio.channels.SelectionKey.OP_ACCEPT) == 0) {
                throw new AssertionError("While " + n + " clients were connected and sent nothing, the listening channel"
                        + (accepting < 0 ? " was not on the scheduler's selector" : " was not watched for acceptable (its"
                        + " interest set was " + accepting + ")") + ": the acceptor does not wait for the next client (it"
                        + " sleeps, or pauses, between tries of accept()), so a new client waits for its next try, and the"
                        + " thread wakes for nothing meanwhile. Wait in Io.accept (or Scheduler.readable on the listening"
                        + " channel)." + server.messages());
            }
            long steps0 = server.ask("count the steps of its tasks", server.scheduler::steps);
            long cpu0 = mx.getThreadCpuTime(server.thread.threadId()), wall0 = System.nanoTime();
            new CountDownLatch(1).await(1, TimeUnit.SECONDS); // a bounded wait: what counts is what the server does meanwhile
            long cpu = mx.getThreadCpuTime(server.thread.threadId()) - cpu0, wall = System.nanoTime() - wall0;
            long steps = server.ask("count the steps of its tasks", server.scheduler::steps) - steps0;
            // Waiting for readiness, an idle server resumes no task and uses no CPU. A poller resumes its tasks again and
            // again (counted whatever share of the CPU it gets on a busy machine) and burns what CPU it gets.
            if (steps > 50 || cpu > wall / 20) {
                throw new AssertionError("While " + n + " clients were connected and sent nothing for " + wall / 1_000_000
                        + " ms, the scheduler resumed tasks " + steps + " times and its thread used " + cpu / 1_000_000
                        + " ms of CPU: a task polls (a read that returns 0 and is tried again, Scheduler.pause() in a loop)"
                        + " instead of waiting until its channel is ready (Io.read, Scheduler.readable)." + server.messages());
            }
        }
    }
}
