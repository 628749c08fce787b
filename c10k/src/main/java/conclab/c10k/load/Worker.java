package conclab.c10k.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One selector thread's share of the load generator's connections: connections {@code id}, {@code id + stride},
 * {@code id + 2 stride}, and so on, with the counts and the latency histogram of what happened to them. Two
 * phases, each run to its end by one call: {@link #connect} opens the share, {@link #load} drives it. Between the
 * two the connections sit idle and nobody watches them.
 *
 * <p>Threads: one thread at a time runs a phase and touches everything here; the caller hands the worker from
 * thread to thread (an executor's {@code submit} and {@code Future.get} order the phases), and reads the counts
 * after the last phase has returned.
 */
final class Worker {
    /** Connects in flight, summed over the workers: a burst never floods the server's accept queue. */
    static final int MAX_CONNECTS_IN_FLIGHT = 256;

    /** This worker's first connection, and the distance between its connections: the number of workers. */
    private final int id;
    private final int stride;
    /** Watches this worker's connections: connects in phase 1, reads and writes in phase 3. */
    private final Selector selector;
    /** The read buffer, for every connection of this worker in turn, and a view of it. */
    private final byte[] in = new byte[64 * 1024];
    private final ByteBuffer inView = ByteBuffer.wrap(in);
    /** This thread's own view of the shared requests (a position is not thread-safe). */
    private final ByteBuffer requests = Connection.REQUESTS.duplicate();

    /** Phase 1: the connects under way, the oldest (the first to time out) first. */
    private final SequencedSet<Connection> connecting = new LinkedHashSet<>();
    /** The connections that connected, by index; all of them, whatever became of them later. */
    final List<Connection> held = new ArrayList<>();
    /** Latency of each answered request, in microseconds. */
    final Histogram latencies = new Histogram(3);
    /** Connects that failed or timed out, and connections the server closed before the load. */
    long connectErrors;
    /** Connections failed during the load: reset, closed by the server, or sent bytes that are not the response. */
    long errors;
    /** Requests unanswered on a connection whose oldest request went past the timeout. */
    long timeouts;
    /** Requests handed to a connection (written, or queued to be written). */
    long sent;
    /** Requests answered. */
    long completed;
    /** The current phase's first failure, for the diagnostics on standard error; null if none. */
    String firstError;

    /** Phase 3's plan. */
    private Plan plan;
    /** Held connections still OPEN. */
    private int live;
    /** OPEN connections with at least one outstanding request. */
    private int busy;
    /** Rate mode: the next request of this worker's share of the schedule: its round and its place in held. */
    private long round;
    private int place;

    /**
     * What the load phase does, the same for every worker.
     *
     * @param start           when the load starts (System.nanoTime); request i of the rate schedule is due at
     *                        {@code start + i / rate}
     * @param end             when sending stops; outstanding requests are still awaited, up to the timeout
     * @param rate            requests per second in total, or 0 for closed loop (one outstanding per connection)
     * @param heldTotal       the connections held by all workers, the period of the rate schedule's round robin
     * @param timeoutNanos    how long a request may go unanswered
     */
    record Plan(long start, long end, double rate, int heldTotal, long timeoutNanos) {
        /** How often the load phase looks for requests past the timeout: a 20th of it, 1 to 50 ms. */
        long expiryTick() {
            return Math.clamp(timeoutNanos / 20, TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    Worker(int id, int stride) throws IOException {
        this.id = id;
        this.stride = stride;
        this.selector = Selector.open();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 1: connect.

    /**
     * Opens this worker's share of {@code total} connections: connection i is started at
     * {@code start + i * rampNanos / total}, or later while too many connects are in flight; a connect that fails
     * or is not done after {@code timeoutNanos} counts in {@link #connectErrors} and is not retried, as does one
     * the server has closed by the end of the phase. Returns when every connect of the share has ended either way;
     * the connected ones are in {@link #held}, idle.
     */
    void connect(InetSocketAddress address, int total, long start, long rampNanos, long timeoutNanos)
            throws IOException {
        int maxInFlight = Math.max(1, MAX_CONNECTS_IN_FLIGHT / stride);
        int next = id;
        while (next < total || !connecting.isEmpty()) {
            long now = System.nanoTime();
            for (; next < total && connecting.size() < maxInFlight && dueAt(next, total, start, rampNanos) <= now;
                 next += stride) {
                open(next, address, now + timeoutNanos);
            }
            while (!connecting.isEmpty() && connecting.getFirst().connectDeadline <= now) {
                failConnect(connecting.removeFirst(), "connect timed out");
            }
            long wake = connecting.isEmpty() ? Long.MAX_VALUE : connecting.getFirst().connectDeadline;
            if (next < total && connecting.size() < maxInFlight) {
                wake = Math.min(wake, dueAt(next, total, start, rampNanos));
            }
            if (wake != Long.MAX_VALUE) select(wake - now, this::finishConnect);
        }
        held.removeIf(this::closedByServer);
        held.sort(Comparator.comparingInt(c -> c.index));
    }

    /**
     * Whether the server closed (or reset, or wrote to) a connection since it connected: one non-blocking read
     * tells. Such a connection is not held: it fails, and counts as a connect error.
     */
    private boolean closedByServer(Connection c) {
        try {
            int n = c.channel.read(inView.clear());
            if (n == 0) return false;
            failConnect(c, n < 0 ? "closed by the server before the load" : "the server wrote before any request");
        } catch (IOException e) {
            failConnect(c, e.toString());
        }
        return true;
    }

    private static long dueAt(int index, int total, long start, long rampNanos) {
        return start + index * rampNanos / total;
    }

    /** Starts connection {@code index}: it connects at once, or is connecting, or has failed. */
    private void open(int index, InetSocketAddress address, long deadline) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection c = new Connection(index, channel);
            c.connectDeadline = deadline;
            c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
            if (channel.connect(address)) {
                connected(c);
            } else {
                connecting.add(c);
            }
        } catch (IOException e) {   // no descriptor left, no ephemeral port left, refused at once...
            connectErrors++;
            noteError(e.toString());
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // it failed already
                }
            }
        }
    }

    /** A connect became ready: it succeeded or failed (or, spuriously, is still under way). */
    private void finishConnect(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (!c.channel.finishConnect()) return;
            connected(c);
        } catch (IOException e) {
            failConnect(c, e.toString());
        }
        connecting.remove(c);
    }

    private void connected(Connection c) {
        c.state = Connection.State.OPEN;
        c.key.interestOps(0);   // idle until the load
        held.add(c);
    }

    private void failConnect(Connection c, String why) {
        c.state = Connection.State.FAILED;
        c.close();
        connectErrors++;
        noteError(why);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 3: load.

    /**
     * Drives the held connections until {@code plan.end()}, then until every outstanding request is answered or
     * timed out; records each answered request's latency from its intended send time. Closed loop (rate 0): every
     * connection sends a request, then the next one as soon as the answer is read (intended time: when it is
     * sent). Rate mode: this worker's connections take the schedule's requests round robin in slot order and
     * write each at its intended time, even if earlier ones are unanswered (pipelined). A connection whose
     * oldest outstanding request is older than the timeout stops: its outstanding requests count as timeouts.
     */
    void load(Plan plan) throws IOException {
        this.plan = plan;
        firstError = null;   // from here on, the load's
        live = held.size();
        busy = 0;
        for (Connection c : held) c.key.interestOps(SelectionKey.OP_READ);
        if (plan.rate() == 0) {
            for (Connection c : held) send(c, System.nanoTime());
        }
        long tick = plan.expiryTick();
        long nextExpiry = plan.start() + tick;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextExpiry) {   // first: a connection past the timeout sends no more
                expire(now);
                nextExpiry = now + tick;
            }
            if (plan.rate() > 0) sendDue(now);
            long nextSend = nextSend();
            if (nextSend == Long.MAX_VALUE && busy == 0) return;
            select(Math.min(nextSend, nextExpiry) - now, this::ready);
        }
    }

    /**
     * When this worker next has something to send on its own: the end of the load in closed loop (it sends when
     * answers arrive), the next request of its share of the schedule in rate mode; Long.MAX_VALUE if nothing.
     */
    private long nextSend() {
        if (live == 0) return Long.MAX_VALUE;
        long next = plan.rate() == 0 ? plan.end() : intendedTime();
        return next < plan.end() ? next : Long.MAX_VALUE;
    }

    /** The intended send time of this worker's next request in the rate schedule. */
    private long intendedTime() {
        long i = held.get(place).slot + round * plan.heldTotal();
        return plan.start() + (long) (i * 1e9 / plan.rate());
    }

    /** Rate mode: sends every request of this worker's share that is due by {@code now}, skipping stopped ones. */
    private void sendDue(long now) {
        long t;
        while (live > 0 && (t = intendedTime()) <= now && t < plan.end()) {
            Connection c = held.get(place);
            if (c.state == Connection.State.OPEN) send(c, t);
            if (++place == held.size()) {
                place = 0;
                round++;
            }
        }
    }

    private void send(Connection c, long intendedNanos) {
        if (c.outstanding() == 0) busy++;
        c.enqueue(intendedNanos);
        sent++;
        try {
            c.flush(requests);
        } catch (IOException e) {
            fail(c, e.toString());
        }
    }

    /** A ready connection: write what is owed, read what came. */
    private void ready(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (key.isWritable()) c.flush(requests);
            if (key.isReadable()) read(c);
        } catch (IOException e) {
            fail(c, e.toString());
        }
    }

    private void read(Connection c) throws IOException {
        int n = c.channel.read(inView.clear());
        if (n < 0) {
            fail(c, "closed by the server");
            return;
        }
        int responses = c.receive(in, n);
        if (responses < 0) {
            fail(c, "read bytes that are not the response");
            return;
        }
        long now = System.nanoTime();
        for (int i = 0; i < responses; i++) {
            if (c.outstanding() == 0) {
                fail(c, "read a response to no request");
                return;
            }
            latencies.recordValue(Math.max(0, now - c.answer()) / 1000);
            completed++;
            if (c.outstanding() == 0) busy--;
        }
        if (plan.rate() == 0 && c.outstanding() == 0 && now < plan.end()) send(c, System.nanoTime());
    }

    /** Stops every OPEN connection whose oldest request is older than the timeout. */
    private void expire(long now) {
        for (Connection c : held) {
            if (c.state == Connection.State.OPEN && c.outstanding() > 0 && now - c.oldest() > plan.timeoutNanos()) {
                timeouts += c.outstanding();
                c.state = Connection.State.TIMED_OUT;
                c.key.interestOps(0);
                busy--;
                live--;
            }
        }
    }

    /** An error on an OPEN connection: reset, closed by the server, or bytes that are not the response. */
    private void fail(Connection c, String why) {
        if (c.state != Connection.State.OPEN) return;
        c.state = Connection.State.FAILED;
        if (c.outstanding() > 0) busy--;
        live--;
        errors++;
        noteError(why);
        c.close();
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The connections that had at least one response. */
    int answered() {
        int answered = 0;
        for (Connection c : held) if (c.answered) answered++;
        return answered;
    }

    /** Closes every connection and the selector. */
    void close() {
        for (Connection c : held) c.close();
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** Waits for ready channels at most {@code nanos} (at least one millisecond when positive), handling each. */
    private void select(long nanos, java.util.function.Consumer<SelectionKey> handler) throws IOException {
        if (nanos <= 0) {
            selector.selectNow(handler);
        } else {
            selector.select(handler, Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
        }
    }

    private void noteError(String why) {
        if (firstError == null) firstError = why;
    }
}
