import conclab.grader.probe.Evidence;
import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.SocketWrites;
import conclab.io.Callback;
import conclab.io.EventLoop;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import static conclab.grader.probe.Sockets.*;

/**
 * Public tests of the keep-alive exercise: the learner may read them. Every test runs your Connection on an
 * EventLoop of its own, accepting connections as KeepAliveServer.serve does, and ends by checking that the loop
 * served them: each connection watched by the loop once start() returned, the loop's thread free to run a task.
 */
class KeepAliveTest {
    /** How long a client waits for bytes that should come, in milliseconds: generous, the machine is shared. */
    static final int WAIT_MS = 5_000;
    /** The response the protocol prescribes, byte for byte (the test's own copy). */
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\n"
            + "Hello, world!").getBytes(StandardCharsets.US_ASCII);
    /** A request as a browser or wrk sends it (35 bytes); the tests send others too. */
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** The receive buffer of every connection the server accepts (set on the listening channel, which they inherit). */
    static final int SERVER_RECEIVE_BUFFER = 64 * 1024;

    /**
     * Your KeepAliveServer's connections on an EventLoop running on a thread of its own, listening on 127.0.0.1.
     * The test accepts as {@code serve} does, and keeps each accepted channel, to look at it on the loop's thread.
     */
    static final class Server implements AutoCloseable {
        final EventLoop loop = new EventLoop();
        /** The loop's selector: what the loop watches is in its keys (looked at on the loop's thread only). */
        final Selector selector = loop.selector();
        final ServerSocketChannel channel = ServerSocketChannel.open();
        final KeepAliveServer server = new KeepAliveServer(loop);
        /** Every connection accepted, in order; added to by the loop's thread, read by the test through {@link #ask}. */
        final List<SocketChannel> accepted = new ArrayList<>();
        /** How many of the loop's reports are kept. */
        static final int KEPT_REPORTS = 50;
        /** What the loop reported: callbacks that threw (the first KEPT_REPORTS). */
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<Throwable> thrown = new CopyOnWriteArrayList<>();
        /** Connections that the loop did not watch once start() had returned, in words. */
        final List<String> offLoop = new CopyOnWriteArrayList<>();
        final Thread thread;
        /** The send buffer set on each accepted connection (0: the system's, which grows by itself to megabytes). */
        private final int sendBuffer;

        Server() throws IOException {
            this(0);
        }

        Server(int sendBuffer) throws IOException {
            this.sendBuffer = sendBuffer;
            loop.onError((what, e) -> {
                // the first reports only: a test whose clients reset their connections makes a thousand, which
                // kept would be counted as the server's own growth by the no-leak test
                if (thrown.size() >= KEPT_REPORTS) return;
                errors.add(what.replaceAll("java\\.nio\\.channels\\.|sun\\.nio\\.ch\\.", "") + " threw " + e);
                thrown.add(e);
            });
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SERVER_RECEIVE_BUFFER);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            loop.onAcceptable(channel, () -> {
                for (SocketChannel c; (c = channel.accept()) != null; ) accept(c);
            });
            thread = Thread.ofPlatform().name("event loop").daemon().start(() -> {
                try {
                    loop.run();
                } catch (Throwable e) {
                    thrown.add(e);
                    errors.add("run() threw " + e);
                }
            });
        }

        /** On the loop's thread: serves {@code c} with a Connection, as serve does, and checks the loop watches it. */
        private void accept(SocketChannel c) throws IOException {
            if (sendBuffer > 0) c.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer); // a fixed size does not grow
            accepted.add(c);
            try {
                server.new Connection(c).start();
            } catch (Exception e) {
                thrown.add(e);
                errors.add("start() threw " + e);
                c.close();
                return;
            }
            // Blocking mode, even once closed (a thread of its own may have served a short client already), or open
            // and unknown to the loop's selector: the connection is not the loop's.
            if ((c.isBlocking() || c.isOpen() && c.keyFor(selector) == null) && offLoop.size() < 3) {
                offLoop.add("connection " + accepted.size() + (c.isBlocking() ? " was in blocking mode" : " was not registered"
                        + " with the loop's selector") + " once start() had returned");
            }
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
                s.setTcpNoDelay(true); // each write a segment of its own, at once
                return s;
            } catch (IOException e) {
                s.close();
                throw e;
            }
        }

        /**
         * What {@code question} answers on the loop's thread, asked after {@code turns} turns of the loop (each turn runs
         * the tasks queued, then the callbacks of the channels ready): there, the loop's state may be read.
         *
         * @throws AssertionError if the loop's thread does not get to it within WAIT_MS: a callback blocks it
         */
        <T> T ask(String what, int turns, Supplier<T> question) throws InterruptedException {
            AtomicReference<T> answer = new AtomicReference<>();
            CountDownLatch asked = new CountDownLatch(1);
            loop.callSoon(turn(turns, () -> {
                answer.set(question.get());
                asked.countDown();
            }));
            if (!asked.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("To " + what + ", the check handed a task to the event loop, which did not run it"
                        + " in " + WAIT_MS / 1000 + " s. The loop's thread: " + where());
            }
            return answer.get();
        }

        /** A task that runs {@code last} on the loop after {@code turns} more turns. */
        private Callback turn(int turns, Callback last) {
            return turns == 0 ? last : () -> loop.callSoon(turn(turns - 1, last));
        }

        /**
         * The threads other than the loop's that run your code now, in words (a name, and where in your code), from one
         * thread dump of the whole JVM, which lists virtual threads too (ThreadMXBean does not). Every callback runs on
         * the loop's thread, so a correct server has none: a helper thread that finishes a partial write has a frame of
         * your code on its stack all the while it waits for the client, whether it spins, sleeps, parks or selects.
         */
        List<String> threadsRunningYourCode() {
            return Hang.threadsRunningTheSolution(thread);
        }

        /**
         * The writes of your code that threads other than the loop's made, among {@code writes} (a record of every
         * socket write of the JVM, see {@link SocketWrites}), in words: one entry per thread and place, with how many
         * writes it made there. Unlike a look at the threads, the record misses no write, however briefly a helper
         * thread is in your code for each.
         */
        List<String> writesOffTheLoop(List<SocketWrites.Writes> writes) {
            List<String> made = new ArrayList<>();
            for (SocketWrites.Writes w : writes) {
                if (w.at() == null || w.threadId() == thread.threadId()) continue;
                String name = w.threadName() == null || w.threadName().isEmpty() ? "an unnamed thread" : "thread \"" + w.threadName() + "\"";
                made.add(name + " (#" + w.threadId() + "), at " + w.at() + ", " + w.calls() + (w.calls() == 1 ? " write" : " writes"));
            }
            return made;
        }

        /**
         * What {@link #threadsRunningYourCode} finds, looked at every 50 ms for up to {@code ms} milliseconds, until it
         * finds a thread: a helper that runs your code only now and then is seen more often than by one look.
         */
        List<String> threadsRunningYourCodeWithin(int ms) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            List<String> found;
            while ((found = threadsRunningYourCode()).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            return found;
        }

        /** The advice for a thread of the solution's other than the loop's, after what the check saw. */
        static String offTheLoop(List<String> threads) {
            return "your code was running on " + (threads.size() == 1 ? "a thread" : threads.size() + " threads")
                    + " other than the loop's: " + String.join("; ", threads.subList(0, Math.min(3, threads.size())))
                    + (threads.size() > 3 ? "; ..." : "") + ". All of your code runs in the loop's callbacks, on its one"
                    + " thread: when write takes only part of the bytes, leave the rest in the connection and watch it for"
                    + " writable; the loop calls writable() when the socket has room again. A thread that finishes the"
                    + " write, even one that sleeps or parks between attempts and so uses little CPU time, is work off the"
                    + " loop.";
        }

        /** The loop's thread, in words: held by a callback (and where), idle in select, or stopped. */
        String where() {
            if (!thread.isAlive()) return "the loop has stopped (run() returned)." + messages();
            StackTraceElement[] stack = thread.getStackTrace();
            String at = Evidence.where(stack); // a frame of the learner's code: a callback is running now
            if (at != null) {
                return "a callback holds it, at " + at + " (" + thread.getState() + "): while a callback runs, no other"
                        + " does, so a callback must never wait (for a read, for a write to be taken, for a client)."
                        + messages();
            }
            boolean selecting = Arrays.stream(stack).anyMatch(f -> f.getClassName().startsWith("sun.nio.ch.")
                    && f.getMethodName().equals("doSelect"));
            return (selecting ? "it is idle, waiting in select." : "it is busy (" + thread.getState() + "), outside your code.")
                    + messages();
        }

        /**
         * The check every test ends with: every connection was watched by the loop once start() returned (not served
         * by a thread of its own, nor in blocking mode), and the loop's thread still runs the tasks handed to it.
         */
        void verify() throws InterruptedException {
            report();
            ask("check that the loop still runs", 0, () -> null);
            if (!offLoop.isEmpty()) {
                throw new AssertionError("Your connections were not served by the event loop: " + String.join("; ", offLoop)
                        + ". Serve each connection in the loop's callbacks, on its one thread (start() watches the channel"
                        + " with loop.onReadable), not on a thread of its own: that is the exercise." + messages());
            }
        }

        /** Throws "not done" if a callback threw the stub's exception. */
        void report() {
            for (Throwable e : thrown) if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
        }

        /** What the loop reported, for a failure message. */
        String messages() {
            report();
            return errors.isEmpty() ? "" : " The event loop reported: " + errors.subList(0, Math.min(3, errors.size())) + ".";
        }

        @Override
        public void close() throws Exception {
            loop.stop();
            thread.join(Duration.ofSeconds(5)); // a thread that a callback still blocks is left (a daemon), its loop open
            if (!thread.isAlive()) loop.close(); // every channel: the listening one and the connections
            else channel.close();
        }
    }

    /** {@code n} copies of RESPONSE. */
    static byte[] responses(int n) {
        byte[] b = new byte[n * RESPONSE.length];
        for (int i = 0; i < n; i++) System.arraycopy(RESPONSE, 0, b, i * RESPONSE.length, RESPONSE.length);
        return b;
    }

    /** Reads the responses to {@code n} requests from {@code s}, failing with a message that names {@code what}. */
    static void expectResponses(Server server, Socket s, int n, String what) {
        Got got = readAtMost(s, n * RESPONSE.length);
        int whole = got.bytes().length / RESPONSE.length;
        if (!got.stopped().isEmpty()) {
            throw new AssertionError("A client waiting for " + what + " got " + (n == 1 ? got.bytes().length + " of its "
                    + RESPONSE.length + " bytes" : whole + " of " + n + " responses") + ", then " + got.stopped() + "."
                    + (got.stopped().startsWith("nothing") ? " The loop's thread: " + server.where() : server.messages()));
        }
        same(responses(n), got.bytes(), what);
    }

    static void same(byte[] expected, byte[] got, String what) {
        if (Arrays.equals(expected, got)) return;
        int i = Arrays.mismatch(expected, got);
        throw new AssertionError("The bytes of " + what + " differ from the protocol's response from byte " + i + " on (byte "
                + i % RESPONSE.length + " of response " + (i / RESPONSE.length + 1) + "): each request gets exactly "
                + new String(RESPONSE, StandardCharsets.US_ASCII).replace("\r\n", "\\r\\n").replace("\"", "") + ", in order.");
    }

    /**
     * After {@code when}, requires the end of the stream next on {@code s}, or nothing for WAIT_MS (a server that does
     * not close is caught by the "closes" property, not here): no response more than the requests sent.
     */
    static void expectNothingMore(Server server, Socket s, String when) throws IOException {
        byte[] more = new byte[4 * RESPONSE.length];
        int n;
        try {
            n = s.getInputStream().read(more);
        } catch (SocketTimeoutException e) {
            return;
        }
        if (n > 0) {
            throw new AssertionError("After " + when + ", the server sent " + n + " bytes more (" + (n >= RESPONSE.length
                    ? "at least " + n / RESPONSE.length + " response(s) more" : "part of a response more") + " than the requests"
                    + " sent): one response per request, not one per read." + server.messages());
        }
    }

    /** Requires the end of the stream next on {@code s}. */
    static void expectEnd(Server server, Socket s, String when) throws IOException {
        int r;
        try {
            r = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The connection stayed open " + WAIT_MS / 1000 + " s after " + when + ": the server"
                    + " should close it when the client has ended its stream (read returns -1) and has all its responses."
                    + server.messages());
        }
        if (r >= 0) throw new AssertionError("After " + when + ", the server sent a byte more than its responses.");
    }

    /** Bytes {@code from} to {@code to} of {@code b}, quoted, CR and LF written as \r and \n. */
    static String show(byte[] b, int from, int to) {
        return "\"" + new String(b, from, to - from, StandardCharsets.US_ASCII).replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    @Property("one-request")
    void aRequestGetsTheResponseAndTheConnectionStaysOpen() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            c.getOutputStream().write(REQUEST);
            expectResponses(server, c, 1, "the response to a request");
            c.getOutputStream().write(REQUEST); // keep-alive: the same connection, a second request
            expectResponses(server, c, 1, "the response to a second request on the same connection (HTTP/1.1 keeps the"
                    + " connection open until the client ends its stream)");
            server.verify();
        }
    }

    /**
     * Request k is cut after its first k bytes, at every k: the first part goes in one write with the end of request
     * k - 1, the rest in the next write, sent only once the response to request k - 1 has come. That response shows the
     * server has read the write before (one segment: one read), so the cut falls between two reads, including the
     * three cuts inside the blank line. Then requests in which a \r breaks a match ("\r\r\n\r\n"), and one request a
     * byte per write, and the client ends its stream.
     */
    @Test
    @Property("split")
    void requestsCutAtEveryByte() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            OutputStream out = c.getOutputStream();
            int n = REQUEST.length;
            out.write(REQUEST, 0, 1);
            for (int k = 1; k < n; k++) {
                byte[] rest = Arrays.copyOfRange(REQUEST, k, n), next = Arrays.copyOf(REQUEST, Math.min(k + 1, n - 1));
                out.write(k + 1 < n ? concat(rest, next) : rest);
                expectResponses(server, c, 1, "the response to request " + k + ", which came in two reads: " + show(REQUEST, 0, k)
                        + " then " + show(REQUEST, k, n) + " (a request ends where \\r\\n\\r\\n ends, whatever the reads)");
            }
            // A \r that breaks a match may begin the end of the request: after "\r\r" or "\r\n\r\r", "\n\r\n" ends it.
            for (String odd : new String[] {"GET / HTTP/1.1\r\nX: y\r\r\n\r\n", "GET / HTTP/1.1\r\n\r\r\n\r\n", "X\r\r\n\r\n"}) {
                byte[] request = odd.getBytes(StandardCharsets.US_ASCII);
                out.write(request);
                expectResponses(server, c, 1, "the response to the request " + show(request, 0, request.length) + " (it ends"
                        + " at its first \\r\\n\\r\\n: a \\r that breaks a match begins a new one, matched = 1, not 0)");
            }
            for (int i = 0; i < n; i++) out.write(REQUEST, i, 1); // a byte per write
            c.shutdownOutput();
            expectResponses(server, c, 1, "the response to a request sent one byte per write");
            expectNothingMore(server, c, "a request sent one byte per write and its response");
            server.verify();
        }
    }

    @Test
    @Property("pipelined")
    void aHundredRequestsInOneWrite() throws Exception {
        byte[][] kinds = {
            REQUEST,
            "GET /index.html HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\nUser-Agent: conclab\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII),
            "GET /x HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        };
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[][] requests = new byte[100][];
            for (int i = 0; i < 100; i++) requests[i] = kinds[i % kinds.length];
            c.getOutputStream().write(concat(requests)); // one write, one segment: very likely one read
            expectResponses(server, c, 100, "the responses to 100 requests sent in one write (pipelined)");
            c.getOutputStream().write(REQUEST);
            expectResponses(server, c, 1, "the response to a request after 100 pipelined ones");
            server.verify();
        }
    }

    @Test
    @Property("closes")
    void theServerClosesWhenTheClientEndsItsStream() throws Exception {
        try (Server server = new Server(); Socket c = server.connect(); Socket idle = server.connect()) {
            c.getOutputStream().write(concat(REQUEST, REQUEST, REQUEST));
            c.shutdownOutput(); // the end of the client's stream, right after its requests
            expectResponses(server, c, 3, "the responses to 3 requests sent just before the end of the stream");
            expectEnd(server, c, "the client ended its stream and got its 3 responses");
            idle.shutdownOutput(); // a client that sent nothing, and leaves
            expectEnd(server, idle, "a client that had sent nothing ended its stream");
            int open = server.ask("count the connections still open", 0,
                    () -> (int) server.accepted.stream().filter(SocketChannel::isOpen).count());
            if (open > 0) {
                throw new AssertionError("The clients saw the end of the stream, yet " + open + " of the server's 2 channels"
                        + " were still open: close the channel (client.close()) to end a connection." + server.messages());
            }
            server.verify();
        }
    }

    /**
     * How many requests the client of {@link #owedClient} sends before it ends its stream: 750 (26,250 bytes), whose
     * responses (58,500 bytes) are more than the sockets' buffers hold while the client reads nothing (the server's
     * send buffer is set to 4 KiB and the client's receive buffer to 4 KiB, which the kernel doubles; they held 8,190
     * bytes of responses in a run of a server that closed too soon),
     * and no more than HIGH_WATER: the server reads them all, then the end of the stream, with responses unsent.
     */
    static final int OWED = 750;

    /**
     * A client of {@code server} (whose connections must have a 4 KiB send buffer) with a 4 KiB receive buffer, that
     * has sent OWED requests in one write and ended its stream, and reads nothing yet.
     */
    static Socket owedClient(Server server) throws IOException {
        Socket c = server.connect(4 * 1024, 0);
        try {
            c.getOutputStream().write(concat(java.util.Collections.nCopies(OWED, REQUEST).toArray(new byte[0][])));
            c.shutdownOutput();
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Waits, up to WAIT_MS, until the server has stopped reading the first connection it accepted (the loop no longer
     * watches it for readable) or has closed it; returns whether it did. Asked on the loop's thread every 10 ms.
     */
    static boolean stopsReading(Server server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        do {
            boolean stopped = server.ask("look at what the loop watches the connection for", 0, () -> {
                if (server.accepted.isEmpty()) return false;
                SocketChannel c = server.accepted.getFirst();
                SelectionKey key = c.keyFor(server.selector);
                return !c.isOpen() || key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_READ) == 0;
            });
            if (stopped) return true;
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return false;
    }

    /**
     * 750 pipelined requests, then the end of the stream; the client reads only once the server has stopped reading
     * (it has read the end of the stream: 58,500 bytes of responses never make it stop for backpressure) or closed
     * the connection. By then the sockets' buffers hold about 8 KB of the responses: the rest is still unsent,
     * and must come before the server closes.
     */
    @Test
    @Property("closes")
    void responsesUnsentAtTheEndOfTheStreamStillCome() throws Exception {
        try (Server server = new Server(4 * 1024); Socket c = owedClient(server)) {
            stopsReading(server); // if it never stops, the client reads all the same
            expectResponses(server, c, OWED, "the responses to " + OWED + " requests sent just before the end of the"
                    + " stream, read only once the server had read that end (the sockets' buffers held only part of them:"
                    + " the server had the rest still to send, and must send it before it closes)");
            expectEnd(server, c, "the client ended its stream and got its " + OWED + " responses");
            server.verify();
        }
    }

    /** How long the loop's thread is watched while it waits for a client to read, at most, in milliseconds. */
    static final int IDLE_WINDOW_MS = 5_000;
    /**
     * The CPU time the loop's thread may use in that window: it has nothing to do but wait in select (the reference
     * uses next to none). A loop that spins uses it up even with a few percent of a core (the machine is shared).
     */
    static final int IDLE_CPU_MS = 50;
    /**
     * The CPU time every other thread of the JVM but the test's own may use in that window, all together: none has
     * anything to do (the reference's use next to none; the JIT's and the GC's threads are not counted). A thread that
     * retries a non-blocking write until the client reads uses it up, however the machine is shared.
     */
    static final int OTHERS_CPU_MS = 250;

    /**
     * After the end of a client's stream, the connection is no longer watched for readable: a channel at the end of
     * its stream is readable on every turn, and read returns -1 again and again. The client sends 750 requests and
     * ends its stream, and reads nothing: the server reads them and the end, and writes what the sockets take (about
     * 8 KB), then has nothing to do until the client reads. Once it has stopped reading (or after WAIT_MS), the CPU
     * time of the loop's thread is read for up to 5 s: it may use 50 ms of it; and so is that of every other thread
     * of the JVM but the test's (the client): together they may use 250 ms, so that no thread of the solution's
     * waits for the client by retrying a write instead of the loop. A helper that sleeps or parks between its retries
     * uses far less, so every thread's stack is looked at too, each turn of the window (every 50 ms or so): none but
     * the loop's may have a frame of the solution's code; and every socket write from the server's start is recorded
     * with its thread ({@link SocketWrites}): none of the solution's may be made by another thread than the loop's.
     */
    @Test
    @Property("no-busy-loop")
    void noReadableCallbacksAfterTheEndOfTheStream() throws Exception {
        try (SocketWrites writes = SocketWrites.start(KeepAliveTest.class.getClassLoader());
             Server server = new Server(4 * 1024); Socket c = owedClient(server)) {
            stopsReading(server);
            // bytes are unsent (the client reads nothing): the loop must be watching the connection for writable, the
            // one way to learn when the socket has room (a retry on a timer wakes the loop for nothing, and sends late)
            String watched = server.ask("look at what the loop watches the connection for", 0, () -> {
                SocketChannel ch = server.accepted.getFirst();
                SelectionKey key = ch.keyFor(server.selector);
                if (!ch.isOpen()) return null; // closed with responses unsent: "closes" judges that
                return key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0 ? null : "not watched for writable";
            });
            if (watched != null) {
                throw new AssertionError("A client sent " + OWED + " requests, ended its stream, and read none of the"
                        + " responses; with responses still unsent to it, the connection was " + watched + ". While bytes"
                        + " are unsent, watch the connection for writable (loop.onWritable): the loop then calls writable()"
                        + " when the socket has room again. Retrying the write on a timer wakes the loop for nothing, and"
                        + " sends the rest late." + server.messages());
            }
            CpuTimes others = new CpuTimes(server.thread, Thread.currentThread());
            long id = server.thread.threadId(), start = System.nanoTime(), cpu0 = others.mx.getThreadCpuTime(id), used = 0;
            List<String> offLoop = List.of();
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(IDLE_WINDOW_MS)) {
                server.thread.join(50);
                used = (others.mx.getThreadCpuTime(id) - cpu0) / 1_000_000;
                if (used > IDLE_CPU_MS || others.used() > OTHERS_CPU_MS) break;
                // a look at every thread, each turn: one that waits for the client in your code uses little CPU time
                if (!(offLoop = server.threadsRunningYourCode()).isEmpty()) break;
            }
            long window = (System.nanoTime() - start) / 1_000_000;
            String owed = "A client sent " + OWED + " requests, ended its stream, and read none of the responses; while"
                    + " they waited for it to read, ";
            if (used > IDLE_CPU_MS) {
                throw new AssertionError(owed + "the loop's thread used " + used + " ms of CPU"
                        + " time in " + window + " ms (at most " + IDLE_CPU_MS + " ms allowed): a busy loop. Once read"
                        + " has returned -1, stop watching the channel for readable (loop.onReadable(client, null)): at"
                        + " the end of its stream a channel is readable on every turn, and read returns -1 each time."
                        + " Watch it for writable only while bytes are unsent." + server.messages());
            }
            if (others.used() > OTHERS_CPU_MS) {
                throw new AssertionError(owed + "threads other than the loop's used " + others.used() + " ms of CPU time"
                        + " in " + window + " ms (at most " + OTHERS_CPU_MS + " ms allowed), the busiest " + others.busiest()
                        + ": a busy wait off the loop. When write takes only part of the bytes, leave the rest in the"
                        + " connection and watch it for writable: the loop calls writable() when the socket has room"
                        + " again. No other thread should retry the write." + server.messages());
            }
            // every write since the server started, on its thread (once the CPU times have passed: a busy loop writes on
            // every turn): a helper that retries now and then is in your code only for a moment, and seldom seen there
            if (offLoop.isEmpty()) offLoop = server.writesOffTheLoop(writes.stop());
            if (!offLoop.isEmpty()) {
                throw new AssertionError(owed + Server.offTheLoop(offLoop) + server.messages());
            }
            readAtMost(c, OWED * RESPONSE.length); // the client reads at last: the server can finish
            server.verify();
        }
    }

    /**
     * The CPU time used since construction by every live platform thread of this JVM except those named (the loop's,
     * measured on its own, and the test's client) and JFR's own. ThreadMXBean sees the carriers of virtual threads too, but not the
     * JIT's or the GC's threads. A thread that ends keeps what it was last seen to use.
     */
    static final class CpuTimes {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final java.util.Set<Long> excluded = new java.util.HashSet<>();
        /** Each thread's CPU time when first seen: at construction, or 0 for a thread started since. */
        private final java.util.Map<Long, Long> base = new java.util.HashMap<>();
        /** Each thread's CPU time used since its base, as last seen. */
        private final java.util.Map<Long, Long> used = new java.util.HashMap<>();

        CpuTimes(Thread... excluded) {
            for (Thread t : excluded) this.excluded.add(t.threadId());
            for (long id : mx.getAllThreadIds()) {
                long cpu = mx.getThreadCpuTime(id);
                if (cpu >= 0) base.put(id, cpu);
            }
        }

        /** The CPU time used so far, all threads together, in milliseconds. */
        long used() {
            for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
                // JFR's own threads ("JFR Periodic Tasks", "JFR Event Stream") work for the test's record of writes
                if (info == null || excluded.contains(info.getThreadId()) || info.getThreadName().startsWith("JFR ")) continue;
                long id = info.getThreadId();
                long cpu = mx.getThreadCpuTime(id); // -1 once the thread has ended: it keeps what it was last seen to use
                if (cpu >= 0) used.put(id, cpu - base.computeIfAbsent(id, k -> 0L));
            }
            return used.values().stream().mapToLong(Long::longValue).sum() / 1_000_000;
        }

        /** The thread that used the most, in words: its name, its CPU time, and where in the solution it is if it is. */
        String busiest() {
            var top = used.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).orElseThrow();
            var info = mx.getThreadInfo(top.getKey(), Integer.MAX_VALUE);
            String at = info == null ? null : Evidence.where(info.getStackTrace());
            return (info == null ? "a thread now ended" : "\"" + info.getThreadName() + "\"") + " with "
                    + top.getValue() / 1_000_000 + " ms" + (at == null ? "" : ", at " + at);
        }
    }

    /**
     * When all is sent, the connection is watched for readable only. Asked after three turns of the loop: a server that
     * watches writable until a writable callback finds nothing left has done so by then.
     */
    @Test
    @Property("no-busy-loop")
    void nothingToSendNoWritableCallbacks() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            c.getOutputStream().write(REQUEST);
            expectResponses(server, c, 1, "the response to a request");
            c.getOutputStream().write(concat(REQUEST, REQUEST));
            expectResponses(server, c, 2, "the responses to 2 requests");
            int ops = server.ask("look at what the loop watches the connection for", 3, () -> {
                SelectionKey key = server.accepted.getFirst().keyFor(server.selector);
                return key == null || !key.isValid() ? -1 : key.interestOps();
            });
            if (ops < 0) {
                throw new AssertionError("After 3 requests and their responses, the loop no longer watched the connection"
                        + " (closed, or never registered): it should stay open, watched for readable, for the next request."
                        + server.messages());
            }
            if ((ops & SelectionKey.OP_WRITE) != 0) {
                throw new AssertionError("The client had all its responses and sent nothing more, yet the loop still watched"
                        + " the connection for writable: a socket with room in its buffer is always writable, so the loop"
                        + " calls writable() on every turn, burning a core while the client is idle (a busy loop). Watch for"
                        + " writable only while bytes are unsent (loop.onWritable(client, null) when all is written)."
                        + server.messages());
            }
            if ((ops & SelectionKey.OP_READ) == 0) {
                throw new AssertionError("After 3 requests and their responses, the loop no longer watched the connection for"
                        + " readable: the client's next request would never be read." + server.messages());
            }
            server.verify();
        }
    }
}
