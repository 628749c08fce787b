import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.Property;
import conclab.grader.probe.ThreadActivity;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Public tests of the byte-counter exercise: the learner may read them. Clients are threads of the test,
 * held by latches where it matters; every wait is bounded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ByteCounterTest {
    static final long LIMIT_SECONDS = 10;
    /** The bounded wait for a report in a second step of a test (the whole test has limit.test seconds). */
    static final long STEP_SECONDS = 5;

    /** What serve reported: remote address -> bytes, and the threads that reported. */
    final Map<SocketAddress, Long> counted = new ConcurrentHashMap<>();
    final Map<SocketAddress, Thread> reportedOn = new ConcurrentHashMap<>();
    /** How many times each remote address was reported. */
    final Map<SocketAddress, Integer> reports = new ConcurrentHashMap<>();
    final List<SocketChannel> clients = new ArrayList<>();
    /** Each client's own address, which is the server's remote address for it; kept, since a closed channel has none. */
    final Map<SocketChannel, SocketAddress> addresses = new ConcurrentHashMap<>();
    ServerSocketChannel server;
    Server running;

    @AfterEach
    void closeAll() throws IOException {
        for (SocketChannel c : clients) c.close();
        if (server != null) server.close();
    }

    @Test
    @Property("counts-bytes")
    void countsBytes() throws Exception {
        start(3);
        List<SocketChannel> three = List.of(connect(), connect(), connect());
        for (SocketChannel c : three) send(c, 200_000);   // more than a socket buffer: reads come in pieces
        for (SocketChannel c : three) c.close();
        running.awaitEnd("3 clients sent 200,000 bytes each and closed");
        for (SocketChannel c : three) expectCount(c, 200_000);
    }

    @Test
    @Property("serves-others-meanwhile")
    void servesOthersMeanwhile() throws Exception {
        start(2);
        SocketChannel quiet = connect();
        send(quiet, 10);                                  // then it says nothing for a while
        SocketChannel busy = connect();
        send(busy, 50_000);
        busy.close();
        boolean served = running.awaitReport(addressOf(busy), LIMIT_SECONDS);
        quiet.close();
        if (!served) {
            running.awaitEnd("both clients closed");
            throw new AssertionError("A client sent 50,000 bytes and closed, but serve did not report it while another "
                    + "client stayed connected and silent: it was waiting for the silent one. Read only the "
                    + "connections the selector says are ready.");
        }
        running.awaitEnd("both clients closed");
        expectCount(busy, 50_000);
        expectCount(quiet, 10);
        servesOneBeforeTheNextConnects();
    }

    /**
     * A client that connects, sends and closes is reported before the next client has even connected: serve accepts
     * connections as they come (the server channel registered for OP_ACCEPT), not all of them first. (A step of
     * {@link #servesOthersMeanwhile}: the grader keeps one result per property.)
     */
    void servesOneBeforeTheNextConnects() throws Exception {
        server.close();
        start(2);
        SocketChannel first = connect();
        send(first, 50_000);
        first.close();
        boolean served = running.awaitReport(addressOf(first), STEP_SECONDS);
        SocketChannel second = connect();
        second.close();
        if (!served) {
            running.awaitEnd("both clients closed");
            throw new AssertionError("A client connected, sent 50,000 bytes and closed, but serve did not report it "
                    + "within " + STEP_SECONDS + " s, while the second client had not connected yet: it waited for every "
                    + "client to connect first. Accept each connection when the selector says the server is ready.");
        }
        running.awaitEnd("both clients closed");
        expectCount(first, 50_000);
        expectCount(second, 0);
        twoServesAtOnce();
    }

    /**
     * Two serve calls at once, each on a server channel and a thread of its own: A starts, then B (each once its server
     * channel is registered, at most 5 s), then two clients of A and two of B send and close. Each call must report its
     * own clients only, with exact counts, and return. What a call keeps (its selector, its counts) is its own: kept
     * in static fields, B's start takes over A's. The starts order the steps, not timing. (A step of
     * {@link #servesOthersMeanwhile}.)
     */
    void twoServesAtOnce() throws Exception {
        server.close();
        Map<SocketAddress, Long> gotA = new ConcurrentHashMap<>(), gotB = new ConcurrentHashMap<>();
        ServerSocketChannel a = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerSocketChannel b = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try {
            Server serveA = new Server(a, 2, gotA::put);
            registered(a);
            Server serveB = new Server(b, 2, gotB::put);
            registered(b);
            Map<SocketAddress, Long> sentA = sendAndClose(a, 2, 1_000), sentB = sendAndClose(b, 2, 3_000);
            String what = "Two serve calls ran at once, A and B, each on a server channel and a thread of its own, and two"
                    + " clients of each sent bytes and closed";
            String own = " Keep what a call needs (its selector, its buffer, its counts) in local variables, not in static"
                    + " fields that every call shares.";
            for (Server run : List.of(serveA, serveB)) {
                if (!run.thread.join(Duration.ofSeconds(STEP_SECONDS))) {
                    throw new AssertionError(what + ": serve " + (run == serveA ? "A" : "B") + " had not returned "
                            + STEP_SECONDS + " s later (A reported " + gotA.values() + ", B " + gotB.values() + ")." + own);
                }
                if (run.failure.get() != null) {
                    throw new AssertionError(what + ": serve " + (run == serveA ? "A" : "B") + " threw " + run.failure.get()
                            + "." + own, run.failure.get());
                }
            }
            if (!gotA.equals(sentA) || !gotB.equals(sentB)) {
                throw new AssertionError(what + ": A reported " + gotA + " (its clients sent " + sentA + ") and B " + gotB
                        + " (its clients sent " + sentB + ")." + own);
            }
        } finally {
            a.close();
            b.close();
        }
        readsOnlyReadyChannels();
    }

    /** How many clients come and go, one after another, while the quiet one of {@link #readsOnlyReadyChannels} waits. */
    static final int PASSING = 4;
    /**
     * At most this many reads of the quiet client may return no bytes (its end of stream counts as one, as JFR's
     * events give it): its end, and one more for a loop that reads until a read returns 0.
     */
    static final int MAX_EMPTY_READS = 2;

    /**
     * A quiet client sends 10 bytes and stays connected while {@value #PASSING} others, one after another, connect,
     * send 100 bytes and close; then it closes. With a level-triggered selector the quiet client's key is selected
     * only when it has bytes or its end of stream to read, so a serve that reads only the keys select() returned makes
     * no read of it that gets nothing, or one (a loop that reads until read returns 0). A key left in selectedKeys()
     * is handled again at every later select: after the first passing client (whose turn ends with the quiet client's
     * 10 bytes read, since they came first), each further one makes serve select at least twice (its accept, then its
     * bytes), and each time the quiet client is read for nothing: at least 6 such reads. JFR's socket-read events
     * (threshold 0) count them, whatever the timing. (A step of {@link #servesOthersMeanwhile}.)
     */
    void readsOnlyReadyChannels() throws Exception {
        ThreadActivity activity = ThreadActivity.start();
        SocketChannel quiet;
        try {
            start(PASSING + 1);
            quiet = connect();
            send(quiet, 10);
            for (int i = 0; i < PASSING; i++) {
                SocketChannel passing = connect();
                send(passing, 100);
                passing.close();
                running.awaitReport(addressOf(passing), STEP_SECONDS); // the next one comes after its turn
            }
            quiet.close();
            running.awaitEnd("a client sent 10 bytes and stayed connected while " + PASSING + " others, one after "
                    + "another, sent 100 bytes and closed, and then it closed too");
        } finally {
            activity.stop();
        }
        expectCount(quiet, 10);
        int port = ((InetSocketAddress) addressOf(quiet)).getPort();
        long empty = activity.reads().stream().filter(r -> r.remotePort() == port && r.bytesRead() == 0).count();
        if (empty > MAX_EMPTY_READS) {
            throw new AssertionError("A client sent 10 bytes and stayed connected while " + PASSING + " others came and "
                    + "went, one after another; serve read its channel " + empty + " times for nothing (reads that got"
                    + " no bytes, its end of stream counted as one): it reads channels that have nothing to read. Read"
                    + " a channel only when select() has put its key in selectedKeys(), and remove each key from"
                    + " selectedKeys() once handled (iterator.remove()): a key left there is handled again after every"
                    + " later select.");
        }
    }

    /** Waits, at most 5 s, until {@code channel} is registered with a selector (serve has taken it up). */
    static void registered(ServerSocketChannel channel) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS);
        while (!channel.isRegistered() && System.nanoTime() < end) Thread.sleep(5);
    }

    /** Connects {@code n} clients to {@code server}; each sends {@code bytes} times its number and closes. */
    Map<SocketAddress, Long> sendAndClose(ServerSocketChannel server, int n, int bytes) throws IOException {
        Map<SocketAddress, Long> sent = new ConcurrentHashMap<>();
        for (int i = 1; i <= n; i++) {
            SocketChannel c = SocketChannel.open(server.getLocalAddress());
            clients.add(c);
            sent.put(c.getLocalAddress(), (long) bytes * i);
            send(c, bytes * i);
            c.close();
        }
        return sent;
    }

    /**
     * Every report and every read of a client's bytes happen on the thread that called serve, and serve starts no
     * thread: no platform thread (the JVM's count of started threads) and no virtual thread (which that count leaves
     * out). It runs first ({@code @Order(1)}; the hidden tests run after the public ones), so its call of serve is
     * the first in the JVM: a thread the solution makes once and keeps (in a static field, or the common pool's
     * workers) is started, and counted, here. The reads are seen through JFR
     * ({@link conclab.grader.probe.ThreadActivity}), so reading on a thread serve did not start fails too.
     */
    @Test
    @Order(1)
    @Property("one-thread")
    void oneThread() throws Exception {
        ThreadActivity activity = ThreadActivity.start();     // its own threads start here, before the count
        List<SocketChannel> three;
        long more;
        try {
            long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
            start(3);                                         // starts serve's thread: one more
            three = List.of(connect(), connect(), connect());
            for (SocketChannel c : three) send(c, 200_000);
            for (SocketChannel c : three) c.close();
            running.awaitEnd("3 clients sent 200,000 bytes each and closed");
            more = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - started - 1;
        } finally {
            activity.stop();
        }
        if (more > 0) {
            throw new AssertionError("While serve ran, " + more + " platform thread(s) were started (the test starts "
                    + "none): one thread and a selector are enough for every client.");
        }
        int virtual = activity.virtualThreadsStarted().size();
        if (virtual > 0) {
            throw new AssertionError("While serve ran, " + virtual + " virtual thread(s) were started (the test starts "
                    + "none): one thread and a selector are enough for every client.");
        }
        for (SocketChannel c : three) {
            Thread on = reportedOn.get(addressOf(c));
            if (on == null) throw new AssertionError("A client that closed was never reported: " + counted);
            if (on != running.thread) {
                throw new AssertionError("A client was reported on thread \"" + on.getName() + "\", not on the thread that "
                        + "called serve: one thread and a selector are enough for every client.");
            }
        }
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (SocketChannel c : three) ports.add(((InetSocketAddress) addressOf(c)).getPort());
        for (ThreadActivity.Read r : activity.reads()) {
            if (ports.contains(r.remotePort()) && r.threadId() != running.thread.threadId()) {
                throw new AssertionError("A client's bytes were read on " + (r.virtual() ? "virtual " : "") + "thread \""
                        + r.thread() + "\", not on the thread that called serve: read each channel on serve's thread, "
                        + "when the selector says it is ready.");
            }
        }
    }

    /**
     * While three clients are connected and silent and a fourth is still to come (a server that spins only until all
     * have connected spins here), the server channel is registered with a selector, and the thread that called serve
     * uses almost no CPU over a second: at most 5 ms, and (on a machine so busy that a spinning
     * thread gets little) at most a quarter of what a thread of the test spinning meanwhile gets. A loop that polls
     * non-blocking channels without a selector (sleeping or not between rounds) is not registered; one that asks the
     * selector with selectNow() or select(1) again and again uses CPU. And it does not wake up for nothing: at most 6
     * wake-ups of its thread in that second (voluntary context switches, Linux) and at most 3 waits begun (a
     * Thread.sleep is one): a loop of select(20), or of selectNow() and a sleep, uses little CPU but wakes 20 to 50
     * times a second.
     */
    @Test
    @Property("no-spin")
    void noSpin() throws Exception {
        start(4);                                          // a fourth client is still to come meanwhile
        List<SocketChannel> three = List.of(connect(), connect(), connect());
        for (SocketChannel c : three) send(c, 10);         // then silent, and connected
        conclab.grader.probe.Idle.settle(running.thread, running.task); // its reads of the 10 bytes are done
        long woke0 = ContextSwitches.of(running.task), waited0 = conclab.grader.probe.Waiting.waitedCount(running.thread);
        Cpu cpu = cpuOverASecond(running.thread);
        long woke1 = ContextSwitches.of(running.task), waited1 = conclab.grader.probe.Waiting.waitedCount(running.thread);
        long woke = woke0 < 0 || woke1 < 0 ? -1 : woke1 - woke0;
        long waited = waited0 < 0 || waited1 < 0 ? -1 : waited1 - waited0;
        boolean registered = server.isRegistered();
        for (SocketChannel c : three) c.close();
        connect().close();
        running.awaitEnd("3 clients sent 10 bytes each, stayed silent for a second, and closed, and a fourth connected and closed");
        if (!registered) {
            throw new AssertionError("While 3 clients were connected and sent nothing (and a fourth was still to come), the server channel was not "
                    + "registered with any selector (" + cpu.describe() + "): serve does not wait for readiness with "
                    + "a selector. Register the server channel (OP_ACCEPT) and the clients (OP_READ) with a Selector, "
                    + "and select.");
        }
        if (cpu.spins()) {
            throw new AssertionError("While 3 clients were connected and sent nothing (and a fourth was still to come), " + cpu.describe() + ": it spins."
                    + " Let select() block until a channel is ready, instead of asking again and again.");
        }
        if (cpu.waiting() > MAX_WAITING_LOOKS) {
            throw new AssertionError("While 3 clients were connected and sent nothing (and a fourth was still to come), the thread that called serve was"
                    + " found waiting in Java (" + (cpu.sleeping() > 0 ? "in Thread.sleep " + cpu.sleeping() + " times, "
                    : "") + "WAITING or TIMED_WAITING) in " + cpu.waiting() + " of " + cpu.looks() + " looks at it over "
                    + cpu.wall() / 1_000_000 + " ms (" + cpu.describe() + "): it polls, or waits in Java for another thread"
                    + " that does the work, and a client that becomes ready waits for the end of that wait. A thread blocked in"
                    + " select() is RUNNABLE, in the kernel. Let select() block until a channel is ready.");
        }
        if (woke > MAX_IDLE_WAKEUPS || waited > MAX_IDLE_WAITS) {
            throw new AssertionError("While 3 clients were connected and sent nothing (and a fourth was still to come), the thread that called serve "
                    + (woke > MAX_IDLE_WAKEUPS ? "went to sleep and woke up again " + woke + " times in that second"
                    : "began " + waited + " waits (Thread.sleep, or a wait of java.util.concurrent) in that second")
                    + " (" + cpu.describe() + "; at most " + MAX_IDLE_WAKEUPS + " wake-ups allowed): it polls. A sleep "
                    + "between rounds, or select(timeout) with a short timeout, wakes it again and again for nothing. Let "
                    + "select() block until a channel is ready.");
        }
        for (SocketChannel c : three) expectCount(c, 10);
        quietOnceInterrupted();
    }

    /**
     * The thread that called serve is interrupted while a client is connected and silent. An interrupted thread's
     * select() returns at once, and so does every later one while the interrupt flag stays set: a loop that does not
     * look at the flag spins for ever. serve must end (throw, or return) within 5 s, or else, if it chose to go on,
     * not spin: over the next second, the CPU time of no-spin's first part. Whether it ends does not hang on timing:
     * a spinning serve never ends here, since its silent client gives it nothing to read. (A step of {@link #noSpin}.)
     */
    void quietOnceInterrupted() throws Exception {
        server.close();
        start(2);
        SocketChannel quiet = connect();
        send(quiet, 10);                                  // then silent, and connected
        conclab.grader.probe.Idle.settle(running.thread, running.task);
        running.thread.interrupt();
        if (running.thread.join(Duration.ofSeconds(STEP_SECONDS))) return;   // it ended: by an exception, or returning
        Cpu cpu = cpuOverASecond(running.thread);
        quiet.close();                                    // lets serve end, if it goes on, before the next test runs
        connect().close();
        running.thread.join(Duration.ofSeconds(STEP_SECONDS));
        if (cpu.spins()) {
            throw new AssertionError("The thread that called serve was interrupted while a client was connected and "
                    + "silent; serve did not end, and then " + cpu.describe() + ": it spins. Once its thread is "
                    + "interrupted, select() returns at once, every time, until the flag is cleared. After each select(),"
                    + " check Thread.currentThread().isInterrupted(), and if it is set, end serve (throw an"
                    + " InterruptedIOException; the finally block still closes the selector).");
        }
    }

    /**
     * Clients that end their stream with shutdownOutput (their read side stays open) must each read the end of the
     * stream from the server by the time serve has returned: serve closes each connection once its client has ended
     * it, not only cancels its key or leaves it to the selector's close.
     */
    @Test
    @Property("closes")
    void closesEachConnection() throws Exception {
        long descriptorsBefore = socketsAndSelectors();
        start(3);
        List<SocketChannel> three = List.of(connect(), connect(), connect());
        for (SocketChannel c : three) send(c, 1000);
        for (SocketChannel c : three) c.shutdownOutput();  // "I am done sending", and still listening
        running.awaitEnd("3 clients sent 1,000 bytes each and shut down their output");
        for (SocketChannel c : three) expectCount(c, 1000);
        if (server.isRegistered()) {
            throw new AssertionError("serve returned with the server channel still registered with a selector: close "
                    + "the selector when serve ends (closing it deregisters every channel).");
        }
        for (int i = 0; i < three.size(); i++) {
            if (!seesServerClose(three.get(i))) {
                throw new AssertionError("serve returned, but client " + (i + 1) + " of 3 (which had ended its stream) "
                        + "did not read the end of the stream from the server within " + CLOSE_WAIT_MS + " ms: its "
                        + "connection is still open on the server's side. Close each channel once read returns -1.");
            }
        }
        for (SocketChannel c : three) c.close();
        server.close();
        long descriptorsAfter = socketsAndSelectors();
        if (descriptorsBefore >= 0 && descriptorsAfter > descriptorsBefore) {
            throw new AssertionError("serve returned and the test closed its own channels, but " + (descriptorsAfter
                    - descriptorsBefore) + " more socket(s) or selector(s) were open in the JVM than before: serve left"
                    + " them open. Call close() on each client's channel (shutting its output down is not enough), and"
                    + " close the selector (cancelling the server's key is not enough).");
        }
        closesEachAtItsEnd();
    }

    /**
     * A client that ends its stream with shutdownOutput reads the server's close while another client is still
     * connected: serve closes each connection at its end, not all of them when it returns. (A step of
     * {@link #closesEachConnection}: the grader keeps one result per property.)
     */
    void closesEachAtItsEnd() throws Exception {
        server.close();
        long before = socketsAndSelectors();
        start(2);
        SocketChannel quiet = connect();
        send(quiet, 10);                                  // then it says nothing for a while
        SocketChannel busy = connect();
        send(busy, 50_000);
        busy.shutdownOutput();
        boolean served = running.awaitReport(addressOf(busy), STEP_SECONDS);
        boolean sawClose = served && seesServerClose(busy);
        busy.close();
        boolean released = sawClose && descriptorsAtMost(before, 4); // the server, the selector, quiet's two ends
        quiet.close();
        running.awaitEnd("both clients closed");
        if (!served) throw new AssertionError("A client sent 50,000 bytes and shut down its output, but serve did not "
                + "report it while another client stayed connected.");
        if (!sawClose) {
            throw new AssertionError("A client sent 50,000 bytes, shut down its output and was reported, but did not "
                    + "read the end of the stream from the server within " + CLOSE_WAIT_MS + " ms while another client "
                    + "was still connected: close each channel as soon as its read returns -1, not when serve ends.");
        }
        if (!released) {
            throw new AssertionError("A client ended its stream, was reported and closed its own channel, but while "
                    + "serve still ran its socket stayed open on the server's side: close each channel at its end.");
        }
        expectCount(busy, 50_000);
        expectCount(quiet, 10);
        selectorClosedWhenTheCallbackThrows();
    }

    /**
     * The callback throws at its first report (a client that closed), while another client is still connected; then
     * that one closes too. Whether serve lets the exception out or goes on, once it has ended its selector must be
     * closed: the server channel is then no longer registered. A selector closed only at the end of the normal path
     * is left open, with the server channel registered (which keeps its socket open after the test closes it), by
     * every exception. (A step of {@link #closesEachConnection}.)
     */
    void selectorClosedWhenTheCallbackThrows() throws Exception {
        server.close();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        RuntimeException thrown = new IllegalStateException("the callback failed (the check's callback threw this)");
        Server failing = new Server(server, 2, (address, bytes) -> { throw thrown; });
        SocketChannel quiet = connect();
        send(quiet, 10);
        SocketChannel first = connect();
        send(first, 100);
        first.close();
        failing.thread.join(Duration.ofSeconds(STEP_SECONDS)); // serve lets the exception out, or goes on
        quiet.close();
        failing.thread.join(Duration.ofSeconds(LIMIT_SECONDS));
        if (failing.thread.isAlive()) {
            throw new AssertionError("The callback threw at serve's first report, and serve had not ended "
                    + (STEP_SECONDS + LIMIT_SECONDS) + " s later, although both clients had closed.");
        }
        if (server.isRegistered()) {
            throw new AssertionError("The callback threw at serve's first report (" + (failing.failure.get() == null
                    ? "serve went on" : "serve threw " + failing.failure.get()) + "); serve ended with the server channel"
                    + " still registered with its selector: the selector was left open. Close it in a finally block (or"
                    + " open it in a try-with-resources), so that an exception does not skip it.");
        }
    }

    /** Linux: whether, within CLOSE_WAIT_MS, at most before + more sockets and selectors are open (true if unknown). */
    static boolean descriptorsAtMost(long before, int more) throws InterruptedException {
        long end = System.nanoTime() + CLOSE_WAIT_MS * 1_000_000L;
        while (true) {
            long now = socketsAndSelectors();
            if (before < 0 || now < 0 || now <= before + more) return true;
            if (System.nanoTime() > end) return false;
            Thread.sleep(10);
        }
    }

    static final int CLOSE_WAIT_MS = 2000;

    /**
     * Linux: how many sockets and selectors this JVM has open (its file descriptors that are sockets or epoll
     * instances, which is what a selector holds); -1 if unknown.
     */
    static long socketsAndSelectors() {
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        if (!java.nio.file.Files.isDirectory(fds)) return -1;
        try (var all = java.nio.file.Files.list(fds)) {
            return all.filter(fd -> {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    return target.startsWith("socket:") || target.equals("anon_inode:[eventpoll]");
                } catch (IOException e) {
                    return false;                              // closed meanwhile (the listing's own descriptor)
                }
            }).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Whether a read on c ends the stream (or finds the connection reset) within {@link #CLOSE_WAIT_MS}. */
    static boolean seesServerClose(SocketChannel c) throws IOException {
        c.socket().setSoTimeout(CLOSE_WAIT_MS);
        InputStream in = c.socket().getInputStream();
        try {
            while (in.read() >= 0) { }                   // the server sends nothing, but read whatever comes
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;                                    // reset by the server's close: closed too
        }
    }

    /** The CPU time used by serve's thread over a second, next to what a spinning thread got meanwhile. */
    record Cpu(long serve, long spinner, long wall, int looks, int waiting, int sleeping) {
        /**
         * Whether serve's thread spins: it used more than 5 ms, or (on a machine so busy that a spinning thread gets
         * little) more than 2 ms and more than a quarter of what a spinning thread got. Blocked in select, it uses next
         * to nothing.
         */
        boolean spins() {
            return serve > MAX_IDLE_CPU_NANOS || (serve > 2_000_000 && serve > spinner / 4);
        }

        String describe() {
            return "the thread that called serve used " + serve / 1_000_000 + " ms of CPU in " + wall / 1_000_000
                    + " ms (a thread spinning meanwhile got " + spinner / 1_000_000 + " ms)";
        }
    }

    static final long MAX_IDLE_CPU_NANOS = 5_000_000;

    /**
     * At most this many wake-ups (voluntary context switches, Linux) of serve's thread in the second of no-spin: blocked
     * in select() it has none; select(20) in a loop has about 50, selectNow() and a 50 ms sleep about 20, select(100)
     * about 10. The limit stays clear of the round timeouts a learner writes: select(100) always fails, select(250)
     * (about 4) passes; only a loop of about select(150) would sit on it.
     */
    static final int MAX_IDLE_WAKEUPS = 6;
    /** At most this many waits begun by serve's thread in that second (Thread.sleep counts one each time): none in select. */
    static final int MAX_IDLE_WAITS = 3;
    /**
     * At most this many of that second's looks (about 100, fewer on a busy machine) find serve's thread WAITING or
     * TIMED_WAITING: in Thread.sleep, a park, Object.wait. Blocked in select() it is RUNNABLE (in epoll_wait), so a
     * correct server is never found waiting; a loop that pauses between polls in any of these ways is caught however
     * long the pause, where its wake-ups and waits begun are too few to count once the pause is a few hundred ms; so
     * is a serve that waits in Java (take, join, get) while other threads do the work. A serve woken from select() by
     * other threads that do the reading (wakeup()) is RUNNABLE too: one-thread catches it, since it sees who reads.
     */
    static final int MAX_WAITING_LOOKS = 3;

    /** Measures {@link Cpu} over a bounded second, with a spinning thread of the test's own as the yardstick. */
    static Cpu cpuOverASecond(Thread serveThread) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread spinner = Thread.ofPlatform().daemon().name("spinner").start(() -> {
            started.countDown();
            long x = 0;
            while (!stop.get()) x += System.nanoTime() & 1;
            if (x == 42) System.out.print(""); // keeps the loop from being optimised away
        });
        try {
            started.await(LIMIT_SECONDS, TimeUnit.SECONDS);
            long serve0 = mx.getThreadCpuTime(serveThread.threadId()), spin0 = mx.getThreadCpuTime(spinner.threadId());
            long wall0 = System.nanoTime(), end = wall0 + 1_000_000_000L;
            int looks = 0, waiting = 0, sleeping = 0;
            // A second of looks at serve's thread, about 10 ms apart (fewer on a busy machine).
            while (System.nanoTime() < end) {
                looks++;
                Thread.State state = serveThread.getState();
                if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
                    waiting++;
                    if (conclab.grader.probe.Waiting.sleeps(serveThread)) sleeping++;
                }
                Thread.sleep(10);
            }
            long serve = mx.getThreadCpuTime(serveThread.threadId()) - serve0;
            long spin = mx.getThreadCpuTime(spinner.threadId()) - spin0;
            return new Cpu(Math.max(serve, 0), spin, System.nanoTime() - wall0, looks, waiting, sleeping);
        } finally {
            stop.set(true);
            spinner.join(Duration.ofSeconds(LIMIT_SECONDS));
        }
    }

    /** A server socket on the loopback, and serve(server, clients, ...) running on a thread of its own. */
    void start(int clientCount) throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        running = new Server(server, clientCount, (address, bytes) -> {
            reportedOn.put(address, Thread.currentThread());
            counted.merge(address, bytes, Long::sum);
            reports.merge(address, 1, Integer::sum);
        });
    }

    SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open(server.getLocalAddress());
        clients.add(c);
        addresses.put(c, c.getLocalAddress());
        return c;
    }

    SocketAddress addressOf(SocketChannel c) {
        return addresses.get(c);
    }

    static void send(SocketChannel c, int bytes) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(bytes);
        while (data.hasRemaining()) c.write(data);
    }

    void expectCount(SocketChannel c, long bytes) {
        Long got = counted.get(addressOf(c));
        if (got == null) throw new AssertionError("A client that sent " + bytes + " bytes and closed was never reported.");
        if (got != bytes) throw new AssertionError("A client sent " + bytes + " bytes; serve counted " + got + ".");
    }

    /** serve(...) on a thread named {@link #NAME}, with bounded waits for its reports and its end. */
    static final class Server {
        static final String NAME = "serve";
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<SocketAddress, CountDownLatch> reported = new ConcurrentHashMap<>();
        /** Linux: the /proc entry of the serve thread (/proc/self/task/TID), set by it before it calls serve; else null. */
        volatile java.nio.file.Path task;

        Server(ServerSocketChannel server, int clients, java.util.function.BiConsumer<SocketAddress, Long> closed) {
            thread = Thread.ofPlatform().daemon().name(NAME).start(() -> {
                task = ContextSwitches.currentTask(); // null off Linux: no wake-ups counted
                try {
                    ByteCounter.serve(server, clients, (address, bytes) -> {
                        closed.accept(address, bytes);
                        latch(address).countDown();
                    });
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
        }

        CountDownLatch latch(SocketAddress address) {
            return reported.computeIfAbsent(address, a -> new CountDownLatch(1));
        }

        boolean awaitReport(SocketAddress address, long seconds) throws InterruptedException {
            return latch(address).await(seconds, TimeUnit.SECONDS);
        }

        void awaitEnd(String when) throws InterruptedException {
            if (!thread.join(Duration.ofSeconds(LIMIT_SECONDS))) {
                throw new AssertionError("When " + when + ", serve had not returned after " + LIMIT_SECONDS
                        + " s: does it see a closed connection (read returns -1)?");
            }
            Throwable t = failure.get();
            if (t != null) throw new AssertionError("serve threw " + t, t);
        }
    }
}
