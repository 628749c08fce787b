package conclab.c10k;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server's CPU time went while it was loaded: the samples of a JFR recording of the server's JVM
 * ({@code jdk.CPUTimeSample}, JDK 25's CPU-time sampler, experimental, Linux: a sample per stretch of CPU time a
 * thread used, native code and system calls included), each put in a {@link #CATEGORIES category} by the frame
 * nearest the top of its stack that belongs to one. So a sample in {@code read0} counts as a socket read, one in a
 * {@code ConcurrentHashMap} called by the virtual threads' poller as the poller. The categories:
 *
 * <ul>
 * <li>{@code read/write}: the system calls that read and write sockets ({@code read0}, {@code write0});
 * <li>{@code epoll_ctl}: registering a socket with epoll, or changing what it is watched for;
 * <li>{@code epoll_wait}: asking epoll which sockets are ready (the wait itself uses no CPU);
 * <li>{@code poller}: the virtual threads' pollers ({@code sun.nio.ch.Poller}), which park a virtual thread's
 *     socket with epoll and unpark the thread when it is ready;
 * <li>{@code mount/schedule}: parking and unparking virtual threads, mounting them on a carrier and unmounting
 *     them ({@code Continuation.run}, {@code yield}), the carriers' {@code ForkJoinPool};
 * <li>{@code channel code}, {@code selector code}: the JDK's Java code around the system calls;
 * <li>{@code EventLoop}: {@code conclab.io}; {@code server code}: {@code conclab.c10k} (the protocol, the
 *     servers); {@code JFR}: JFR's Java code on the threads sampled (the recorder's and sampler's own threads
 *     are never sampled, so this is not the whole cost of the recording); {@code other}: the rest.
 * </ul>
 *
 * <p>Only threads that run Java code are sampled: the collector's and the JIT compiler's threads, and JFR's own
 * recorder and sampler threads, are not in a profile (the server's CPU time, read from the kernel over the same
 * window, counts them). The sampler loses a sample taken while the thread is neither in Java nor in native code
 * (in the VM, for instance while parking: {@code jdk.CPUTimeSamplesLost} counts them when the recording enables
 * it, as {@link Lab}'s does), and takes one without a stack when the thread is in no walkable state: both are
 * counted here and kept out of the shares.
 * Samples are a sample: a share of a few percent is within the noise of one run. Immutable.
 */
public final class Profile {
    /** A category: its name, and the frames that belong to it (a prefix of "class.method"). */
    record Category(String name, List<String> frames) {}

    /** The categories, tried in this order on each frame, from the top of the stack down. */
    static final List<Category> CATEGORIES = List.of(
            new Category("read/write", List.of("sun.nio.ch.SocketDispatcher.", "sun.nio.ch.IOUtil.")),
            new Category("epoll_ctl", List.of("sun.nio.ch.EPoll.ctl")),
            new Category("epoll_wait", List.of("sun.nio.ch.EPoll.wait")),
            new Category("poller", List.of("sun.nio.ch.Poller", "sun.nio.ch.EPollPoller")),
            new Category("mount/schedule", List.of("jdk.internal.vm.Continuation.yield", "jdk.internal.vm.Continuation.run",
                    "java.lang.VirtualThread.park", "java.lang.VirtualThread.unpark", "java.lang.VirtualThread.yield",
                    "java.lang.VirtualThread.runContinuation", "java.lang.VirtualThread.mount", "java.lang.VirtualThread.unmount",
                    "java.lang.VirtualThread.afterYield", "java.lang.VirtualThread.submit", "java.lang.VirtualThread.lazySubmit",
                    "java.lang.VirtualThread.externalSubmit", "java.lang.VirtualThread.switchTo", "java.util.concurrent.ForkJoin",
                    "java.util.concurrent.locks.LockSupport.", "jdk.internal.misc.Unsafe.park", "jdk.internal.misc.Unsafe.unpark")),
            new Category("channel code", List.of("sun.nio.ch.SocketChannelImpl.", "sun.nio.ch.ServerSocketChannelImpl.",
                    "sun.nio.ch.Net.", "sun.nio.ch.NativeThread")),
            new Category("selector code", List.of("sun.nio.ch.EPollSelectorImpl.", "sun.nio.ch.SelectorImpl.",
                    "sun.nio.ch.SelectionKeyImpl.")),
            new Category("EventLoop", List.of("conclab.io.")),
            new Category("server code", List.of("conclab.c10k.")),
            new Category("JFR", List.of("jdk.jfr.", "jdk.internal.event.")));
    /** Samples in no category. */
    static final String OTHER = "other";

    private final String server;
    /** The generator's result line, parsed. */
    private final Map<String, Object> result;
    /** Samples per category, in the order of CATEGORIES, then OTHER. */
    private final Map<String, Long> samples;
    /** Samples without a stack trace; samples the sampler lost; the server's CPU time over the recording, ns. */
    private final long stackless, lost, cpuNanos;

    Profile(String server, Map<String, Object> result, Map<String, Long> samples) {
        this(server, result, samples, 0, 0, 0);
    }

    Profile(String server, Map<String, Object> result, Map<String, Long> samples, long stackless, long lost, long cpuNanos) {
        this.server = server;
        this.result = result;
        this.samples = samples;
        this.stackless = stackless;
        this.lost = lost;
        this.cpuNanos = cpuNanos;
    }

    /**
     * The profile of {@code server} in the recording {@code jfr}, under the load that {@code result} describes,
     * during which the server used {@code cpuNanos} of CPU time.
     */
    static Profile read(String server, Path jfr, Map<String, Object> result, long cpuNanos) {
        List<List<String>> stacks = new ArrayList<>();
        long stackless = 0, lost = 0;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                String type = e.getEventType().getName();
                if (type.equals("jdk.CPUTimeSamplesLost")) lost += e.getLong("lostSamples");
                if (!type.equals("jdk.CPUTimeSample")) continue;
                if (e.getStackTrace() == null) { stackless++; continue; }
                List<String> frames = new ArrayList<>();
                for (RecordedFrame f : e.getStackTrace().getFrames()) frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
                stacks.add(frames);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recording " + jfr, e);
        }
        return new Profile(server, result, count(stacks), stackless, lost, cpuNanos);
    }

    /** Samples per category (every category, OTHER last) of {@code stacks}, each a list of frames from the top. */
    static Map<String, Long> count(List<List<String>> stacks) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Category c : CATEGORIES) counts.put(c.name(), 0L);
        counts.put(OTHER, 0L);
        for (List<String> stack : stacks) counts.merge(category(stack), 1L, Long::sum);
        return counts;
    }

    /** The category of the frame nearest the top of {@code stack} that belongs to one; OTHER if none does. */
    static String category(List<String> stack) {
        for (String frame : stack) {
            for (Category c : CATEGORIES) {
                for (String prefix : c.frames()) if (frame.startsWith(prefix)) return c.name();
            }
        }
        return OTHER;
    }

    /** The server profiled. */
    public String server() {
        return server;
    }

    /** What the load generator measured during the recording (its {@code result} line). */
    public Map<String, Object> result() {
        return result;
    }

    /** Samples per category, every category, in a fixed order ("other" last). */
    public Map<String, Long> samples() {
        return samples;
    }

    /** Samples taken without a stack trace (not in {@link #samples}). */
    public long stackless() {
        return stackless;
    }

    /** Samples the sampler lost ({@code jdk.CPUTimeSamplesLost}; not in {@link #samples}). */
    public long lost() {
        return lost;
    }

    /** The server's CPU time (user + system, from the kernel) over the recording, in milliseconds. */
    public double cpuMillis() {
        return cpuNanos / 1e6;
    }

    /** The server's CPU time over the recording per request the generator completed, µs; NaN if none. */
    public double cpuUsPerRequest() {
        double completed = result.get("completed") instanceof Number n ? n.doubleValue() : 0;
        return completed == 0 ? Double.NaN : cpuNanos / 1e3 / completed;
    }

    /** {@code category}'s share of the samples times the CPU time per request: its µs per request. */
    public double usPerRequest(String category) {
        return share(category) * cpuUsPerRequest();
    }

    /** All samples with a stack (those in {@link #samples}). */
    public long total() {
        return samples.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The share of {@code category}'s samples, 0 to 1; NaN if there is no sample at all. */
    public double share(String category) {
        long total = total();
        return total == 0 ? Double.NaN : samples.getOrDefault(category, 0L) / (double) total;
    }

    /**
     * The profiles as a table: a line per category with its share of the samples and its µs of CPU time per
     * request (share times {@link #cpuUsPerRequest}), a column per profile; then the counts behind them.
     */
    public static String table(Profile... profiles) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s", "category"));
        for (Profile p : profiles) b.append(String.format(Locale.ROOT, "%22s", p.server + ": share, µs/req"));
        b.append('\n');
        for (String c : profiles[0].samples.keySet()) {
            b.append(String.format(Locale.ROOT, "%-16s", c));
            for (Profile p : profiles) b.append(String.format(Locale.ROOT, "%13.1f%% %7.2f", 100 * p.share(c), p.usPerRequest(c)));
            b.append('\n');
        }
        for (Profile p : profiles)
            b.append(String.format(Locale.ROOT, "%s: %,.1f µs CPU per request; %,.0f ms CPU, %,d samples with a stack, %,d without, %,d lost%n",
                    p.server, p.cpuUsPerRequest(), p.cpuMillis(), p.total(), p.stackless, p.lost));
        return b.toString();
    }

    @Override
    public String toString() {
        return table(this);
    }
}
