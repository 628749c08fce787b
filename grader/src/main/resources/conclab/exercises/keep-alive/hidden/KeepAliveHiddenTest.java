import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.SocketWrites;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import static conclab.grader.probe.Sockets.*;

/** Hidden tests of the keep-alive exercise: run when grading only. */
class KeepAliveHiddenTest {
    static final int WAIT_MS = KeepAliveTest.WAIT_MS;
    static final byte[] REQUEST = KeepAliveTest.REQUEST, RESPONSE = KeepAliveTest.RESPONSE;
    /** The send buffer of the connections the server accepts in the flood tests: fixed, so it does not grow to MBs. */
    static final int SERVER_SEND_BUFFER = 64 * 1024;
    /** 1,872 requests back to back (65,520 bytes): what a flooding client writes, over and over. */
    static final byte[] REQUESTS = KeepAliveTest.concat(java.util.Collections.nCopies(65_520 / REQUEST.length, REQUEST)
            .toArray(new byte[0][]));

    /** A client that floods the server with pipelined requests, on a thread of its own, and reads nothing until told. */
    static final class Flood implements AutoCloseable {
        final Socket socket;
        /** How many requests it sends in all. */
        final long requests;
        /** Bytes written so far; set by the writer thread. */
        final AtomicLong written = new AtomicLong();
        final Thread writer;

        /**
         * Connects a client with small buffers (so that its kernel holds little on its behalf) and starts writing
         * {@code bytes} of requests (rounded down to whole requests); returns when it has written them all, or when its
         * writing has made no progress for a second: the server no longer reads from it then (the writer goes on in the
         * background if the server reads again).
         */
        Flood(KeepAliveTest.Server server, long bytes) throws IOException, InterruptedException {
            socket = server.connect(8 * 1024, 16 * 1024);
            requests = bytes / REQUEST.length;
            long total = requests * REQUEST.length;
            writer = Thread.ofPlatform().daemon().name("flooding client").start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (long at = 0; at < total; ) {
                        int n = (int) Math.min(REQUESTS.length, total - at);
                        out.write(REQUESTS, 0, n);
                        at += n;
                        written.set(at);
                    }
                } catch (IOException e) {
                    // the server closed the connection, or the test did: what was written is counted
                }
            });
            long last = -1;
            while (writer.isAlive() && written.get() != last) { // no progress for a second: stuck
                last = written.get();
                writer.join(1000);
            }
        }

        /** Whether the writer still waits to send: the server stopped reading from this client. */
        boolean stuck() {
            return writer.isAlive();
        }

        /**
         * Reads the responses to all its requests (its writer goes on meanwhile, as the server reads again), comparing
         * them with the protocol's as they come; returns null if they all came, right, else what went wrong.
         */
        String readAll() throws IOException {
            byte[] piece = new byte[RESPONSE.length * 840];
            long expected = requests * RESPONSE.length, have = 0;
            InputStream in = socket.getInputStream();
            while (have < expected) {
                int r;
                try {
                    r = in.read(piece, 0, (int) Math.min(piece.length, expected - have));
                } catch (SocketTimeoutException e) {
                    return "after " + have / RESPONSE.length + " of its " + requests + " responses, nothing more came in "
                            + WAIT_MS / 1000 + " s";
                }
                if (r < 0) return "after " + have / RESPONSE.length + " of its " + requests + " responses, the server closed the connection";
                for (int i = 0; i < r; i++) {
                    if (piece[i] != RESPONSE[(int) ((have + i) % RESPONSE.length)]) {
                        long at = have + i;
                        return "byte " + at % RESPONSE.length + " of response " + (at / RESPONSE.length + 1) + " was not the"
                                + " protocol's: bytes were lost (or doubled) on the way";
                    }
                }
                have += r;
            }
            return null;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            socket.close(); // the writer, if it still waits, gets an exception
            writer.join(WAIT_MS);
        }
    }
    /**
     * The client sends 16 MB of pipelined requests (far more than the socket buffers on the way hold: the server's
     * writes to it are partial) and starts reading only when its writing is stuck or done; then every response must come,
     * byte for byte: a server that drops what a write did not take loses bytes.
     */
    @Test
    @Property("partial-writes")
    void sixteenMegabytesOfRequestsToALateReader() throws Exception {
        try (KeepAliveTest.Server server = new KeepAliveTest.Server(SERVER_SEND_BUFFER);
             Flood flood = new Flood(server, 16L << 20)) {
            String wrong = flood.readAll();
            if (wrong != null) {
                throw new AssertionError("A client sent " + String.format("%,d", flood.requests) + " pipelined requests (16 MB) and read the responses"
                        + " late, so the server's writes were partial: " + wrong + ". When write() takes only part of the"
                        + " bytes, keep the rest and write it when the channel is writable, in order."
                        + (wrong.contains("nothing more") ? " The loop's thread: " + server.where() : server.messages()));
            }
            // every response is in: nothing is left to send, so the connection is watched for readable only
            int ops = server.ask("look at what the loop watches the connection for", 3, () -> {
                SelectionKey key = server.accepted.getFirst().keyFor(server.selector);
                return key == null || !key.isValid() ? -1 : key.interestOps();
            });
            if (ops >= 0 && (ops & SelectionKey.OP_WRITE) != 0) {
                throw new AssertionError("A client sent " + String.format("%,d", flood.requests) + " pipelined requests (16 MB)"
                        + " and read every response late, so the server's writes were partial; once the client had them all,"
                        + " the loop still watched the connection for writable: a socket with room in its buffer is always"
                        + " writable, so the loop calls writable() on every turn, burning a core while the client is idle."
                        + " When the last unsent bytes are written, stop watching for writable (loop.onWritable(client, null))."
                        + server.messages());
            }
            server.verify();
        }
    }

    /**
     * A client that never reads sends up to 16 MB of requests: a server that stops reading while more than 64 KiB are
     * unsent soon stops, and the client's writing with it, once the socket buffers on the way are full (their sizes are
     * fixed here, 128 KB or less each) and the server holds its 64 KiB: the reference takes 0.1 to 0.2 MB. One that reads
     * on takes it all. The limit is 600 KiB; then the client reads its first responses (a server must answer, too).
     */
    @Test
    @Property("backpressure")
    void aClientThatNeverReads() throws Exception {
        // the reference lets such a client send about 0.2 MB here (HIGH_WATER of responses, and the sockets' buffers)
        long total = 16L << 20, limit = 600L << 10;
        try (KeepAliveTest.Server server = new KeepAliveTest.Server(SERVER_SEND_BUFFER); Flood flood = new Flood(server, total)) {
            long took = flood.written.get();
            if (took > limit) {
                throw new AssertionError("A client that reads none of its responses sent " + mb(took) + " of requests"
                        + (flood.stuck() ? "" : " (all it had)") + ", and the server read " + (flood.stuck() ? "them" : "it all")
                        + ": it keeps reading while the responses pile up unsent, so its memory (or the CPU it spends counting"
                        + " them) grows without bound. Stop reading from a client while more than HIGH_WATER bytes are"
                        + " unsent to it (loop.onReadable(client, null)), and read again when they drain (backpressure)."
                        + " The limit here is " + mb(limit) + "." + server.messages());
            }
            if (!KeepAliveTest.stopsReading(server)) {
                throw new AssertionError("A client that reads none of its responses sent " + mb(took) + " of requests and"
                        + " then could send no more; yet the loop still watched its connection for readable "
                        + KeepAliveTest.WAIT_MS / 1000 + " s later. The unread requests keep it readable, so the loop calls"
                        + " readable() on every turn, which returns without reading: a busy loop. Stop watching it"
                        + " (loop.onReadable(client, null)) while more than HIGH_WATER bytes are unsent." + server.messages());
            }
            // the client reads what it is owed so far: the unsent bytes drain, and the server must read from it again
            long before = flood.written.get();
            int owed = (int) (before / REQUEST.length);
            try {
                KeepAliveTest.expectResponses(server, flood.socket, owed, "the responses to the " + owed + " requests it sent"
                        + " before the server stopped reading from it");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " (Some of those requests were still in the sockets' buffers:"
                        + " the server must read them, so watch the client for readable again once the unsent bytes drain to"
                        + " HIGH_WATER or less.)", e);
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (flood.stuck() && flood.written.get() == before && System.nanoTime() < deadline) Thread.sleep(10);
            if (flood.stuck() && flood.written.get() == before) {
                throw new AssertionError("A client that had read none of its responses read the " + owed + " it was owed;"
                        + " nothing was left unsent, yet " + WAIT_MS / 1000 + " s later the server had read no more of its"
                        + " requests (" + mb(before) + " sent): it stopped reading for good. Watch the client for readable"
                        + " again once the unsent bytes drain to HIGH_WATER or less." + server.messages());
            }
            server.verify();
        }
    }

    /**
     * One client reads none of its responses, so the server's writes to it take nothing; meanwhile a second client sends
     * a request: its response must come. A callback that retries a write until it is all taken holds the loop's thread
     * for as long as the first client does not read. And while the first client's responses are stuck, no thread but
     * the loop's may be running the solution's code (looked at every 50 ms for a second), nor may any have made one of
     * the solution's socket writes since the server started (all are recorded, with their threads: {@link SocketWrites}):
     * a helper thread that finishes the write leaves the loop free, but is work off the loop.
     */
    @Test
    @Property("slow-reader")
    void anotherClientWhileOnesResponsesAreStuck() throws Exception {
        try (SocketWrites writes = SocketWrites.start(KeepAliveHiddenTest.class.getClassLoader());
             KeepAliveTest.Server server = new KeepAliveTest.Server(SERVER_SEND_BUFFER);
             Flood flood = new Flood(server, 16L << 20);
             Socket other = server.connect()) {
            other.getOutputStream().write(REQUEST);
            Got got = readAtMost(other, RESPONSE.length);
            if (!got.stopped().isEmpty()) {
                throw new AssertionError("A client sent " + mb(flood.written.get()) + " of requests and read none of its"
                        + " responses; then a second client sent a request and got " + got.bytes().length + " of the "
                        + RESPONSE.length + " bytes of its response, then " + got.stopped() + ". When a write takes nothing,"
                        + " return, and write the rest when the loop calls writable(): a callback that waits for the client"
                        + " to read holds the loop's thread. The loop's thread: " + server.where());
            }
            KeepAliveTest.same(RESPONSE, got.bytes(), "the second client's response");
            // the first client's responses are still stuck: no thread but the loop's may be in the solution's code,
            // waiting for that client to read (looked at for up to a second: a helper may be there only now and then)
            List<String> offLoop = server.threadsRunningYourCodeWithin(1000);
            // and every write so far, on its thread: a helper that retries now and then is in your code only for a moment
            if (offLoop.isEmpty()) offLoop = server.writesOffTheLoop(writes.stop());
            if (!offLoop.isEmpty()) {
                throw new AssertionError("A client sent " + mb(flood.written.get()) + " of requests and read none of its"
                        + " responses, and a second client was answered; meanwhile " + KeepAliveTest.Server.offTheLoop(offLoop)
                        + server.messages());
            }
            // the first client now reads all of its responses: each connection's responses are its own, byte for byte
            String wrong = flood.readAll();
            if (wrong != null) {
                throw new AssertionError("A client sent " + mb(flood.written.get()) + " of requests and read none of its"
                        + " responses while a second client was answered; then it read them: " + wrong + ". Each connection's"
                        + " responses come whole and in order whatever the others do (its place in the responses is its own:"
                        + " RESPONSES.duplicate()), and once they drain the server reads its requests again."
                        + server.messages());
            }
            server.verify();
        }
    }

    /** Waits until {@code c} is closed, or WAIT_MS; returns whether it is closed. */
    static boolean closedSoon(SocketChannel c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (c.isOpen() && System.nanoTime() < deadline) Thread.sleep(20);
        return !c.isOpen();
    }

    /**
     * Two clients reset their connections (a close with SO_LINGER 0: the server's next read or write fails with
     * "Connection reset"): one in the middle of a request, one with megabytes of responses unsent. A client connected
     * before and one connected after are each answered, and the server closes the two reset connections.
     */
    @Test
    @Property("reset")
    void clientsThatResetTheirConnection() throws Exception {
        try (KeepAliveTest.Server server = new KeepAliveTest.Server(SERVER_SEND_BUFFER); Socket before = server.connect()) {
            before.getOutputStream().write(REQUEST);
            KeepAliveTest.expectResponses(server, before, 1, "the response to a first client's request");
            Socket halfway = server.connect();
            halfway.getOutputStream().write(REQUEST, 0, 20);
            halfway.setSoLinger(true, 0);
            halfway.close(); // reset, in the middle of a request
            String flooded;
            try (Flood flood = new Flood(server, 16L << 20)) {
                flood.socket.setSoLinger(true, 0);
                flooded = mb(flood.written.get());
            } // reset, with responses unsent
            before.getOutputStream().write(REQUEST);
            KeepAliveTest.expectResponses(server, before, 1, "the response to a request sent after two other clients had"
                    + " reset their connections (one mid-request, one with " + flooded + " of requests unanswered)");
            try (Socket after = server.connect()) {
                after.getOutputStream().write(REQUEST);
                KeepAliveTest.expectResponses(server, after, 1, "the response to a client connected after two others had"
                        + " reset their connections");
            }
            List<SocketChannel> reset = server.ask("find the reset connections", 0, () -> List.copyOf(server.accepted.subList(1, 3)));
            String[] what = {"mid-request", "with " + flooded + " of requests unanswered"};
            for (int i = 0; i < 2; i++) {
                if (!closedSoon(reset.get(i))) {
                    throw new AssertionError("A client reset its connection " + what[i] + "; " + WAIT_MS / 1000 + " s later the"
                            + " server still held it open. A read or write of a reset connection throws an IOException:"
                            + " let it propagate (the loop closes a channel whose callback threw), or close the channel"
                            + " yourself; a callback that swallows it leaves the channel ready forever, and the loop calls"
                            + " it again and again." + server.messages());
                }
            }
            server.verify();
        }
    }

    /**
     * 10,000 clients in a JVM of their own (a process may hold 20,000 descriptors here) connect, each sends a request
     * and reads its response, and all stay connected; while they do, the server (this JVM) must hold them all, every one
     * watched by the loop, no thread but the loop's running your code, and its threads bounded.
     */
    @Test
    @Property("c10k")
    void tenThousandConnections() throws Exception {
        int n = 10_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (KeepAliveTest.Server server = new KeepAliveTest.Server()) {
            server.ask("start", 0, () -> null); // the loop runs: its thread counts among those before
            int threadsBefore = mx.getThreadCount();
            long heldBefore = heldBytes();
            int port = ((InetSocketAddress) server.channel.getLocalAddress()).getPort();
            Process clients = Clients.start(port, n, 30);
            try {
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                List<String> said = new ArrayList<>(); // what the clients' JVM printed before its report
                Thread.ofPlatform().daemon().name("clients' output").start(() -> {
                    try (BufferedReader r = clients.inputReader(StandardCharsets.UTF_8)) {
                        for (String line; (line = r.readLine()) != null; ) lines.add(line);
                    } catch (IOException e) {
                        // the process ended
                    } finally {
                        lines.add("(the clients' JVM ended)");
                    }
                });
                int maxThreads = threadsBefore;
                String report = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
                CountDownLatch ping = new CountDownLatch(0); // a task handed to the loop meanwhile, one at a time
                long pinged = 0;
                while (report == null && System.nanoTime() < deadline) {
                    String line = lines.poll(50, TimeUnit.MILLISECONDS);
                    maxThreads = Math.max(maxThreads, mx.getThreadCount());
                    if (line != null && (line.startsWith("held") || line.startsWith("("))) report = line;
                    else if (line != null && said.size() < 20) said.add(line);
                    if (ping.getCount() == 0) {
                        ping = new CountDownLatch(1);
                        server.loop.callSoon(ping::countDown);
                        pinged = System.nanoTime();
                    } else if (System.nanoTime() - pinged > TimeUnit.MILLISECONDS.toNanos(WAIT_MS)) {
                        throw new AssertionError("While 10,000 clients connected and sent their requests, the loop ran no task"
                                + " for " + WAIT_MS / 1000 + " s. The loop's thread: " + server.where());
                    }
                }
                if (report == null) {
                    throw new AssertionError("10,000 clients in another JVM did not finish connecting and sending their requests"
                            + " in 45 s. The loop's thread: " + server.where());
                }
                if (!report.startsWith("held")) throw new AssertionError("The clients' JVM failed: " + report + " " + said);
                // Every client is connected now, and has had its answer or given up: look at the server while they hold on.
                int threads = Math.max(maxThreads, mx.getThreadCount());
                List<String> others = Hang.threadsRunningTheSolution(server.thread);
                int[] served = server.ask("count the connections the loop watches", 0, () -> {
                    int open = 0, watched = 0;
                    for (SocketChannel c : server.accepted) {
                        if (!c.isOpen()) continue;
                        open++;
                        SelectionKey key = c.keyFor(server.selector);
                        if (!c.isBlocking() && key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0) watched++;
                    }
                    return new int[] {server.accepted.size(), open, watched};
                });
                long perConnection = (heldBytes() - heldBefore) / n;
                int answered = Integer.parseInt(report.replaceFirst(".* answered (\\d+).*", "$1"));
                String state = " The clients said: " + report + ". The server had accepted " + served[0] + " connections, "
                        + served[1] + " of them open, " + served[2] + " watched by the loop for readable.";
                if (answered < n) {
                    throw new AssertionError("Of 10,000 clients connected together, each sending one request, " + answered
                            + " got their response." + state + " The loop's thread: " + server.where());
                }
                if (!others.isEmpty()) {
                    throw new AssertionError("While 10,000 clients were connected, your code was running on " + others.size()
                            + " thread(s) other than the loop's: " + others.subList(0, Math.min(3, others.size()))
                            + (others.size() > 3 ? " ..." : "") + ". Serve every connection in the loop's callbacks, on its"
                            + " one thread: a thread per connection, even a virtual one, is another server." + state);
                }
                if (served[1] < n || served[2] < served[1]) {
                    throw new AssertionError("While 10,000 clients held their connections open, idle after their response,"
                            + " each should have been open on the server and watched by the loop for readable (for the next"
                            + " request)." + state + server.messages());
                }
                if (threads > threadsBefore + 32) {
                    throw new AssertionError("While 10,000 clients connected, the server's JVM went from " + threadsBefore
                            + " to " + threads + " threads: one loop needs no thread per connection." + state);
                }
                if (perConnection > BYTES_PER_CONNECTION) {
                    throw new AssertionError("While 10,000 clients held their connections open, idle, the server's JVM held"
                            + " about " + perConnection + " bytes per connection more than before they came (heap after a GC,"
                            + " and direct buffers); at most " + BYTES_PER_CONNECTION + " are allowed. A connection holds a"
                            + " few counters and its slice of RESPONSES, nothing more: read into the server's one readBuffer,"
                            + " which all connections share (only the loop's thread reads, one read at a time), not into a"
                            + " buffer of each connection's own (10,000 buffers of 16 KiB are 160 MB)." + state);
                }
                server.verify();
            } finally {
                clients.getOutputStream().close(); // the clients close their connections and end
                if (!clients.waitFor(10, TimeUnit.SECONDS)) clients.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A request whose header never ends: 8 MB of header lines ("X: aaa...\r\n", 1 KiB each) and no blank line. The
     * server must not keep what it read: a connection needs only {@code matched} to find the end of a request, so the
     * bytes this JVM holds (heap after a GC, and direct buffers) may grow by less than 1 MB while the header goes on.
     * When the client's last write of it returns, the server has read all but what the sockets' buffers hold (about
     * 150 KB: its receive buffer is 64 KiB, the client's send buffer 16 KiB), so a server that keeps what it reads holds
     * more than 7 MB then. Then the blank line ends that request, and one more request follows: exactly 2 responses.
     */
    @Test
    @Property("long-header")
    void aHeaderThatNeverEnds() throws Exception {
        byte[] line = ("X: " + "a".repeat(1021) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] lines = KeepAliveTest.concat(java.util.Collections.nCopies(64, line).toArray(new byte[0][])); // 64 KiB
        long limit = 1L << 20;
        try (KeepAliveTest.Server server = new KeepAliveTest.Server(); Socket c = server.connect(0, 16 * 1024)) {
            OutputStream out = c.getOutputStream();
            out.write(REQUEST);
            KeepAliveTest.expectResponses(server, c, 1, "the response to a first request");
            long before = heldBytes();
            for (int i = 0; i < 128; i++) out.write(lines); // 8 MB of a header, read by the server as it comes
            long grew = heldBytes() - before;
            if (grew > limit) {
                throw new AssertionError("A client sent a request whose header went on for 8 MB without its blank line; the"
                        + " server's JVM then held " + mb(grew) + " more than before (heap after a GC, and direct buffers; at"
                        + " most " + mb(limit) + " is allowed). Do not keep the bytes of a request until its end: count, in"
                        + " matched, how much of \\r\\n\\r\\n the bytes read so far end with, and drop them (they are all"
                        + " in readBuffer, which the next read overwrites). Whatever a client sends, a connection holds a"
                        + " few counters." + server.messages());
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII)); // the blank line: the end of that request
            out.write(REQUEST);
            c.shutdownOutput();
            KeepAliveTest.expectResponses(server, c, 2, "the responses to a request whose header was 8 MB long and to one"
                    + " more request");
            KeepAliveTest.expectEnd(server, c, "the client ended its stream and got its 2 responses");
            server.verify();
        }
    }

    /** How many clients come and go in the no-leak test, one after another. */
    static final int COME_AND_GO = 1_000;

    /**
     * {@code n} clients, one after another, each connect, send a request, read its response and end their stream (or,
     * if {@code reset}, reset their connection: the server's next read of it throws); then waits until the server has
     * closed their connections, and lets the loop turn twice (its selector drops the keys of closed channels), and
     * forgets the channels the test kept. Returns what is not right, or null.
     */
    static String comeAndGo(KeepAliveTest.Server server, int n, boolean reset) throws Exception {
        for (int i = 0; i < n; i++) {
            try (Socket c = server.connect()) {
                c.getOutputStream().write(REQUEST);
                if (!reset) c.shutdownOutput();
                KeepAliveTest.expectResponses(server, c, 1, "the response to a request");
                if (reset) {
                    c.setSoLinger(true, 0); // close sends a reset
                } else {
                    KeepAliveTest.expectEnd(server, c, "a client ended its stream and got its response");
                }
            }
        }
        List<SocketChannel> all = server.ask("list the connections", 0, () -> List.copyOf(server.accepted));
        for (SocketChannel c : all) {
            if (!closedSoon(c)) return "a connection whose client had left was still open " + WAIT_MS / 1000 + " s later";
        }
        server.ask("forget the connections the test kept", 2, () -> {
            server.accepted.clear();
            return null;
        });
        return null;
    }

    /**
     * A class histogram of this JVM's heap (the diagnostic command GC.class_histogram, which runs a full GC first: only
     * what is still reachable is counted), as text: one string, so that keeping it adds no object per class.
     */
    static String histogram() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
    }

    /** The live objects of each class, read from a {@link #histogram()}. */
    static java.util.Map<String, Long> liveObjects(String histogram) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)").matcher(histogram);
        while (m.find()) counts.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
        return counts;
    }

    /** The Java name of a class as a histogram writes it ("[B" is "byte[]"). */
    static String javaName(String histogramName) {
        return switch (histogramName) {
            case "[B" -> "byte[]";
            case "[C" -> "char[]";
            case "[I" -> "int[]";
            case "[J" -> "long[]";
            default -> histogramName.startsWith("[L") ? histogramName.substring(2).replace(";", "") + "[]" : histogramName;
        };
    }

    /**
     * A connection that is gone leaves nothing behind. 20 clients come and go first (the classes the server needs are
     * loaded, its structures sized); the live objects of every class are counted (a class histogram, after a full
     * GC); then 1,000 more clients come and go, one after another, and the objects are counted again. No class may
     * have 900 or more objects more: a connection's buffer kept in a map keyed by its channel, or its Connection kept
     * in a list, is an object per client, each never freed (10,000 clients an hour leave 10,000 of them an hour).
     */
    @Test
    @Property("no-leak")
    void connectionsThatAreGoneLeaveNothingBehind() throws Exception {
        try (KeepAliveTest.Server server = new KeepAliveTest.Server()) {
            String wrong = comeAndGo(server, 20, false);
            if (wrong == null) wrong = comeAndGo(server, 20, true);
            if (wrong != null) throw new AssertionError(wrong + "." + server.messages());
            histogram(); // the first one loads what the diagnostic command needs
            // histograms are kept as text, one String each, while the clients come: a map would be an object per class
            String first = histogram();
            wrong = comeAndGo(server, COME_AND_GO, false);
            if (wrong != null) throw new AssertionError(wrong + "." + server.messages());
            String second = histogram();
            expectNoGrowth(server, liveObjects(first), liveObjects(second), "each sent a request, got its response and left");
            // a connection that ends in an exception (the loop closes it) must leave nothing behind either
            wrong = comeAndGo(server, COME_AND_GO, true);
            if (wrong != null) throw new AssertionError(wrong + "." + server.messages());
            String third = histogram(); // before second is parsed: a parsed map is live objects of its own
            expectNoGrowth(server, liveObjects(second), liveObjects(third), "each sent a request, got its response"
                    + " and reset its connection (the server's next read of it threw)");
            server.verify();
        }
    }

    /** Fails if a class has COME_AND_GO * 9 / 10 or more live objects in {@code after} than in {@code before}. */
    static void expectNoGrowth(KeepAliveTest.Server server, java.util.Map<String, Long> before,
                               java.util.Map<String, Long> after, String clients) {
        List<String> grown = new ArrayList<>();
        after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() >= COME_AND_GO * 9 / 10)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(5)
                .forEach(e -> grown.add(String.format("%,d %s", e.getValue(), javaName(e.getKey()))));
        if (!grown.isEmpty()) {
            throw new AssertionError(String.format("%,d clients came one after another, " + clients + ", and the"
                    + " server closed their connections; then its JVM held, after a full"
                    + " GC, more live objects than before they came: %s (at most %,d more of a class are allowed)."
                    + " Something keeps an object per connection after the connection is gone, such as a map keyed"
                    + " by channel, or a list of connections, that is never emptied: a server up for a day would"
                    + " hold one for every client it ever had. Keep a connection's state in the connection, whose"
                    + " callbacks the loop forgets when the channel closes (also when a callback throws).", COME_AND_GO,
                    String.join(", ", grown), COME_AND_GO * 9 / 10 - 1) + server.messages());
        }
    }

    /** A connection's own buffers above this size are read buffers of its own: the reference holds none. */
    static final int OWN_BUFFER_LIMIT = 256;

    /**
     * No connection holds a read buffer of its own: every read lands in the server's one readBuffer. Three clients
     * are each answered; then, on the loop's thread, the check walks what each connection's callbacks (its key's
     * attachment) reach of the solution's objects (your Connection, and what it holds, by reflection, a few steps deep,
     * through arrays and collections too): none may reach a writable ByteBuffer, or a byte or char array, of more than
     * 256 bytes that no other connection reaches, other than the server's own (RESPONSES and its slices are read-only:
     * they pass). See {@link #ownBuffers}.
     */
    @Test
    @Property("c10k")
    void noConnectionHoldsAReadBufferOfItsOwn() throws Exception {
        try (KeepAliveTest.Server server = new KeepAliveTest.Server()) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket c = server.connect();
                    clients.add(c);
                    c.getOutputStream().write(REQUEST);
                    KeepAliveTest.expectResponses(server, c, 1, "the response to a request");
                }
                List<String> own = server.ask("look at what each connection holds", 0, () -> ownBuffers(server));
                if (!own.isEmpty()) {
                    throw new AssertionError("Your connections hold buffers of their own: " + String.join("; ", own) + ". Read"
                            + " into the server's one readBuffer, which all connections share (only the loop's thread reads,"
                            + " one read at a time): a connection holds a few counters and its slice of RESPONSES. 10,000"
                            + " connections with a buffer each hold 10,000 buffers." + server.messages());
                }
                server.verify();
            } finally {
                for (Socket c : clients) c.close();
            }
        }
    }

    /** How deep {@link #ownBuffers} looks from a connection's callbacks: callback, Connection, a parser, a list, a buffer. */
    static final int OWN_BUFFER_DEPTH = 4;
    /** How many elements of one array or collection {@link #ownBuffers} looks at. */
    static final int OWN_BUFFER_ELEMENTS = 64;

    /**
     * On the loop's thread: the buffers of its own each open connection of {@code server} holds, in words (at most 3).
     * From each connection's callbacks (its key's attachment), the solution's objects they reach are walked, field by
     * field, with the elements of arrays, collections and maps, up to {@link #OWN_BUFFER_DEPTH} steps, not through the
     * server itself nor what its fields hold. A writable ByteBuffer, or a byte or char array, of more than
     * {@link #OWN_BUFFER_LIMIT} bytes that only one connection reaches is that connection's own; one that two or more
     * reach is shared, as the server's one read buffer may be, however it is reached.
     */
    static List<String> ownBuffers(KeepAliveTest.Server server) {
        java.util.Set<Object> shared = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        shared.addAll(fieldValues(server.server, true));
        shared.add(server.server);
        java.util.Map<Object, String> where = new java.util.IdentityHashMap<>();   // each large buffer: a place that holds it
        java.util.Map<Object, Integer> reachedBy = new java.util.IdentityHashMap<>(); // by how many connections
        for (SocketChannel c : server.accepted) {
            SelectionKey key = c.keyFor(server.selector);
            if (!c.isOpen() || key == null || !(key.attachment() instanceof Object[] callbacks)) continue;
            java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            record Step(Object value, String place, int depth) {}
            java.util.ArrayDeque<Step> next = new java.util.ArrayDeque<>();
            for (Object callback : callbacks) if (callback != null) next.add(new Step(callback, "a callback", 0));
            while (!next.isEmpty()) {
                Step step = next.poll();
                Object v = step.value();
                if (v == null || shared.contains(v) || !seen.add(v)) continue;
                int size = v instanceof ByteBuffer b && !b.isReadOnly() ? b.capacity()
                        : v instanceof byte[] b ? b.length : v instanceof char[] a ? 2 * a.length : 0;
                if (size > OWN_BUFFER_LIMIT) {
                    where.putIfAbsent(v, step.place() + ", " + (v instanceof ByteBuffer ? "a ByteBuffer" : "an array")
                            + " of " + size + " bytes");
                    reachedBy.merge(v, 1, Integer::sum);
                    continue;
                }
                if (step.depth() == OWN_BUFFER_DEPTH) continue;
                int d = step.depth() + 1;
                if (v instanceof Object[] array) {
                    for (int i = 0; i < Math.min(array.length, OWN_BUFFER_ELEMENTS); i++) {
                        next.add(new Step(array[i], step.place() + "[" + i + "]", d));
                    }
                } else if (v instanceof java.util.Collection<?> elements) {
                    elements.stream().limit(OWN_BUFFER_ELEMENTS).forEach(e -> next.add(new Step(e, "an element of " + step.place(), d)));
                } else if (v instanceof java.util.Map<?, ?> map) {
                    map.values().stream().limit(OWN_BUFFER_ELEMENTS).forEach(e -> next.add(new Step(e, "a value of " + step.place(), d)));
                } else if (isLearners(v.getClass())) {
                    for (Field f : instanceFields(v.getClass())) {
                        next.add(new Step(get(f, v), v.getClass().getSimpleName() + "." + f.getName(), d));
                    }
                }
            }
        }
        List<String> found = new ArrayList<>();
        reachedBy.forEach((buffer, n) -> {
            if (n == 1 && found.size() < 3) found.add(where.get(buffer));
        });
        return found;
    }

    /** Whether {@code c} is a class of the solution (not of the JDK, the lib or the check). */
    static boolean isLearners(Class<?> c) {
        String name = c.getName();
        return c.getClassLoader() != null && c.getClassLoader() != ClassLoader.getPlatformClassLoader() && !c.isArray()
                && !name.startsWith("conclab.") && !name.startsWith("KeepAlive") || name.startsWith("KeepAliveServer");
    }

    /** The instance fields of {@code c} and its superclasses that belong to the solution, made readable. */
    static List<Field> instanceFields(Class<?> c) {
        List<Field> fields = new ArrayList<>();
        for (; c != null && isLearners(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || !f.trySetAccessible()) continue;
                fields.add(f);
            }
        }
        return fields;
    }

    /** The values of the fields of {@code o} (and, if {@code statics}, of its class's static fields). */
    static List<Object> fieldValues(Object o, boolean statics) {
        List<Object> values = new ArrayList<>();
        for (Field f : instanceFields(o.getClass())) if (get(f, o) != null) values.add(get(f, o));
        if (statics) {
            for (Field f : o.getClass().getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.trySetAccessible() && get(f, null) != null) {
                    values.add(get(f, null));
                }
            }
        }
        return values;
    }

    static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    /**
     * What the server may hold per idle connection, in bytes: the JVM's heap after a GC and its direct buffers, with
     * 10,000 connections held, minus before they came, over 10,000. Measured here: the reference holds 930 bytes per
     * connection (the channel, its selection key, the loop's callbacks, the Connection and its slice of RESPONSES); a
     * 16 KiB heap buffer per connection holds 17,692. 4 KiB is more than 4 times away from each. (A 16 KiB direct buffer
     * per connection runs out of the test JVM's 64 MB of direct memory first: the loop stops.)
     */
    static final long BYTES_PER_CONNECTION = 4 * 1024;

    /**
     * The bytes this JVM holds: heap used after a full GC (repeated until it no longer falls by more than 1 MB) plus
     * the direct buffers' memory.
     */
    static long heldBytes() {
        var memory = ManagementFactory.getMemoryMXBean();
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            boolean stable = used > heap - (1 << 20);
            heap = Math.min(heap, used);
            if (stable) break;
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) direct += pool.getMemoryUsed();
        }
        return heap + direct;
    }

    /**
     * The clients of the c10k property, run in a JVM of their own: {@code Clients PORT N SECONDS}. One thread, one
     * selector: connects N non-blocking clients to 127.0.0.1:PORT (at most 500 connecting at a time), each sends one
     * request and reads one response, and stays connected. When all are answered, or have failed, or SECONDS have
     * passed, it prints {@code held H answered A failed F [first failure]}, then waits for the end of its standard
     * input, closes every connection, and exits.
     */
    static final class Clients {
        /** The state of one client; its key's attachment. */
        static final class Client {
            final ByteBuffer out = ByteBuffer.wrap(REQUEST);
            final ByteBuffer in = ByteBuffer.allocate(RESPONSE.length);
        }

        /** Starts the clients' JVM, on this JVM's JDK and class path. */
        static Process start(int port, int n, int seconds) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new ProcessBuilder(java, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                    "-cp", System.getProperty("java.class.path"), Clients.class.getName(),
                    Integer.toString(port), Integer.toString(n), Integer.toString(seconds))
                    .redirectErrorStream(true).start();
        }

        public static void main(String[] args) throws Exception {
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
            int n = Integer.parseInt(args[1]);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.parseInt(args[2]));
            List<SocketChannel> all = new ArrayList<>(n);
            int[] connecting = {0}, answered = {0}, failed = {0};
            String[] firstFailure = {""};
            try (Selector selector = Selector.open()) {
                while (answered[0] + failed[0] < n && System.nanoTime() < deadline) {
                    while (all.size() < n && connecting[0] < 500) {
                        SocketChannel c = SocketChannel.open();
                        all.add(c);
                        try {
                            c.configureBlocking(false);
                            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            c.connect(server);
                            c.register(selector, SelectionKey.OP_CONNECT, new Client());
                            connecting[0]++;
                        } catch (IOException e) {
                            if (failed[0]++ == 0) firstFailure[0] = e.toString();
                            c.close();
                        }
                    }
                    selector.select(key -> {
                        SocketChannel c = (SocketChannel) key.channel();
                        Client client = (Client) key.attachment();
                        try {
                            if (key.isConnectable()) {
                                connecting[0]--;
                                c.finishConnect();
                                key.interestOps(SelectionKey.OP_WRITE);
                            }
                            if (key.isWritable()) {
                                c.write(client.out);
                                if (!client.out.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
                            } else if (key.isReadable()) {
                                if (c.read(client.in) < 0) throw new IOException("the server closed the connection");
                                if (!client.in.hasRemaining()) {
                                    if (!Arrays.equals(client.in.array(), RESPONSE)) throw new IOException("a wrong response");
                                    answered[0]++;
                                    key.interestOps(0); // answered: it stays connected, idle
                                }
                            }
                        } catch (IOException e) {
                            if (failed[0]++ == 0) firstFailure[0] = e.toString();
                            key.cancel();
                            try { c.close(); } catch (IOException ignored) { /* closing was all we wanted */ }
                        }
                    }, 100);
                }
                long held = all.stream().filter(SocketChannel::isConnected).count();
                System.out.println("held " + held + " answered " + answered[0] + " failed " + failed[0]
                        + (failed[0] > 0 ? " first failure " + firstFailure[0] : ""));
                System.out.flush();
                while (System.in.read() >= 0) { } // until the test is done looking at the server
                for (SocketChannel c : all) c.close();
            }
        }
    }
}
