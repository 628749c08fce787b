package conclab.trace;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.locks.LockSupport;

/**
 * A recording of what threads do: the spans and events they mark, and the states a sampler sees. Its
 * result is a {@link Timeline}.
 *
 * <pre>{@code
 * var trace = Trace.start();
 * try (var pool = Executors.newFixedThreadPool(3)) {
 *     for (var url : urls) pool.submit(() -> {
 *         try (var s = Trace.span("download " + url)) { fetch(url); }
 *     });
 * }
 * trace.stop()          // a cell's value: the timeline draws itself
 * }</pre>
 *
 * <p>One trace records at a time, for the whole JVM: {@link #span} and {@link #event} write into the
 * current one from any thread, and cost one volatile read when none is running. Starting a trace stops
 * the one before it.
 *
 * <p>Sampling: unless started with {@link Duration#ZERO}, a daemon thread ({@code conclab-trace-sampler})
 * looks at the threads every interval and records their {@link State}. A sample costs tens of microseconds
 * (see {@code bench/TraceOverhead.java}).
 *
 * <p><b>Which threads get a lane.</b> A timeline shows the threads your code started, not the JDK's. The
 * rule, with the default {@link Lanes#YOURS}:
 * <ul>
 * <li>always: the thread that started the trace, and every thread that records a {@link #span} or an
 *     {@link #event} (you marked it, so it is yours), platform or virtual;
 * <li>a platform thread that records nothing gets a lane if it was <em>started during the trace</em>
 *     (its id is larger than every id the JVM listed at {@code start}) and <em>looks like a learner's
 *     thread</em>: its class is {@code java.lang.Thread} itself (what {@code new Thread},
 *     {@code Thread.ofPlatform()} and the {@code Executors} pools' thread factories make, so a pool your code
 *     creates shows its workers), a class of your own (not loaded by the JDK's boot or platform loader),
 *     {@code java.util.Timer}'s thread, or a worker of a {@code ForkJoinPool} other than the common pool; and
 *     it is not in the JVM's root ({@code "system"}) thread group, nor named {@code conclab-*} (the course's
 *     kernel and tools);
 * <li>so these are hidden: every thread that existed before {@code start}; the JDK's own thread classes,
 *     even when started lazily during the trace on your behalf (a pool's {@code ForkJoinPool-N-delayScheduler},
 *     the common pool's workers, {@code Common-Cleaner}, {@code process reaper}, the carriers of virtual
 *     threads); threads the JVM starts itself ({@code Attach Listener}, {@code Signal Dispatcher}: root group).
 * </ul>
 * Ask for more with {@link #start(Duration, Lanes)}: {@link Lanes#YOURS_AND_CARRIERS} adds the carrier threads
 * of virtual threads (of any age), {@link Lanes#ALL} every platform thread the JVM lists (the sampler
 * excepted), JDK's own and older ones included. The rule cannot see who called a thread's constructor: a
 * plain {@code java.lang.Thread} that a JDK library starts during the trace (the workers of an
 * {@code HttpClient}'s default executor, say) looks like yours and shows.
 */
public final class Trace implements AutoCloseable {
    /** Which threads get a lane (see the class comment). */
    public enum Lanes {
        /** The thread that started the trace, threads that record, and platform threads your code started. */
        YOURS,
        /** As {@link #YOURS}, plus the carrier threads of virtual threads. */
        YOURS_AND_CARRIERS,
        /** Every platform thread the JVM lists, the JDK's own and those older than the trace included. */
        ALL
    }

    /** The default sampling interval. */
    public static final Duration SAMPLE_EVERY = Duration.ofMillis(2);

    private static volatile Trace current;

    private final long origin = System.nanoTime();
    private final long owner = Thread.currentThread().threadId();
    /** Platform threads with an id at least this were started during the trace. */
    private final long firstNewThreadId;
    private final ThreadLocal<ThreadLog> mine = new ThreadLocal<>();
    /** Every thread's log by thread id; the logs are created by their thread or by the sampler. */
    private final Map<Long, ThreadLog> logs = new ConcurrentHashMap<>();
    /** Threads that record spans, for sampling virtual ones (the JVM's thread bean does not list them). */
    private final Set<Thread> recording = ConcurrentHashMap.newKeySet();
    private final long intervalNanos;
    /** Which threads the sampler looks at. */
    private final Lanes which;
    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long end = -1;

    private Trace(Duration sampleEvery, Lanes which) {
        this.intervalNanos = sampleEvery == null ? 0 : sampleEvery.toNanos();
        this.which = which;
        this.firstNewThreadId = maxThreadId() + 1;
        log(); // the starting thread has a lane even if it records nothing
        this.sampler = intervalNanos > 0
                ? Thread.ofPlatform().name("conclab-trace-sampler").daemon().unstarted(this::sampleLoop) : null;
    }

    /** Starts a trace that samples thread states every {@link #SAMPLE_EVERY}. */
    public static Trace start() {
        return start(SAMPLE_EVERY);
    }

    /** Starts a trace sampling every {@code interval}; {@link Duration#ZERO} records spans and events only. */
    public static Trace start(Duration interval) {
        return start(interval, false);
    }

    /**
     * Starts a trace sampling every {@code interval}; with {@code carriers}, the carrier threads that run
     * virtual threads get lanes too (they show when a virtual thread is mounted: running).
     */
    public static Trace start(Duration interval, boolean carriers) {
        return start(interval, carriers ? Lanes.YOURS_AND_CARRIERS : Lanes.YOURS);
    }

    /**
     * Starts a trace sampling every {@code interval}, with lanes for the threads {@code which} says (see the
     * class comment): {@code Trace.start(Trace.SAMPLE_EVERY, Trace.Lanes.ALL)} shows the JDK's threads too.
     */
    public static Trace start(Duration interval, Lanes which) {
        Trace t = new Trace(interval, java.util.Objects.requireNonNull(which, "which"));
        Trace previous = current;
        current = t;
        if (previous != null) previous.stopRecording();
        if (t.sampler != null) t.sampler.start();
        return t;
    }

    /** Runs {@code body} under a new trace and returns its timeline. */
    public static Timeline record(Runnable body) {
        Trace t = start();
        try {
            body.run();
        } finally {
            t.stopRecording();
        }
        return t.timeline();
    }

    /** Opens a span named {@code name} on the calling thread; close it (try-with-resources). */
    public static Span span(String name) {
        Trace t = current;
        if (t == null) return Span.NOTHING;
        return t.log().open(name, System.nanoTime());
    }

    /** Marks an instant on the calling thread's lane. */
    public static void event(String name) {
        Trace t = current;
        if (t != null) t.log().event(name, System.nanoTime());
    }

    /** Ends the recording and returns what it recorded. Calling it again returns the same run. */
    public Timeline stop() {
        stopRecording();
        return timeline();
    }

    /**
     * What was recorded so far, while the trace goes on: for a live view,
     * {@code updateDisplay(id, trace.snapshot())}. Spans still open end at the moment of the snapshot.
     */
    public Timeline snapshot() {
        return running ? timeline(System.nanoTime()) : timeline();
    }

    @Override
    public void close() {
        stopRecording();
    }

    private void stopRecording() {
        if (!running) return;
        running = false;
        end = System.nanoTime();
        if (current == this) current = null;
        if (sampler != null) {
            LockSupport.unpark(sampler);
            try {
                sampler.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Timeline timeline() {
        return timeline(end);
    }

    private Timeline timeline(long end) {
        List<Timeline.Lane> lanes = new ArrayList<>();
        List<ThreadLog> sorted = new ArrayList<>(logs.values());
        sorted.sort(Comparator.comparingLong((ThreadLog l) -> l.threadId == owner ? Long.MIN_VALUE : l.threadId));
        for (ThreadLog l : sorted) if (!l.isEmpty() || l.threadId == owner) lanes.add(l.lane(origin, end));
        return new Timeline(lanes, end - origin, null);
    }

    /** The calling thread's log, made on first use. */
    private ThreadLog log() {
        ThreadLog l = mine.get();
        if (l == null) {
            Thread t = Thread.currentThread();
            l = logs.computeIfAbsent(t.threadId(), id -> new ThreadLog(t));
            mine.set(l);
            recording.add(t);
        }
        return l;
    }

    // ---------------------------------------------------------------- sampling

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** Platform threads by id, as last enumerated; sampler thread only. */
    private final Map<Long, Thread> platform = new HashMap<>();
    /** When the last sample was taken (-1 before the first, which draws from the origin); sampler thread only. */
    private long lastSample = -1;

    private void sampleLoop() {
        long next = System.nanoTime();
        while (running) {
            sample();
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            else next = System.nanoTime(); // fell behind: do not try to catch up
        }
    }

    private void sample() {
        long now = System.nanoTime();
        // A thread first seen now was not seen at the last sample: its first state is drawn from that sample on,
        // so that a state seen once still has the width of one sampling interval.
        long since = lastSample < 0 ? origin : lastSample;
        lastSample = now;
        long[] ids = threads.getAllThreadIds();
        List<Long> watched = new ArrayList<>();
        boolean unknown = false;
        for (long id : ids) if (!platform.containsKey(id)) unknown = true;
        if (unknown) refreshPlatformThreads();
        for (long id : ids) {
            Thread t = platform.get(id);
            if (t != null && isWatched(t)) watched.add(id);
        }
        long[] wanted = watched.stream().mapToLong(Long::longValue).toArray();
        for (ThreadInfo info : threads.getThreadInfo(wanted, 1)) {
            if (info == null) continue;
            StackTraceElement[] top = info.getStackTrace();
            State state = State.of(info.getThreadState(), top.length > 0 ? top[0] : null);
            Thread t = platform.get(info.getThreadId());
            logs.computeIfAbsent(info.getThreadId(), id -> new ThreadLog(t)).sampled(state, now, since);
        }
        for (Thread t : recording) {
            if (!t.isVirtual()) continue;
            Thread.State s = t.getState();
            if (s == Thread.State.TERMINATED) {
                recording.remove(t);
                continue;
            }
            ThreadLog l = logs.get(t.threadId());
            if (l != null) l.sampled(State.of(s, null), now, since);
        }
    }

    private void refreshPlatformThreads() {
        platform.clear();
        for (Thread t : Thread.getAllStackTraces().keySet()) platform.put(t.threadId(), t);
    }

    /** Whether the sampler looks at platform thread {@code t} (see the class comment). */
    private boolean isWatched(Thread t) {
        if (t.threadId() == owner || logs.containsKey(t.threadId())) return true;
        if (t == sampler) return false;
        if (which == Lanes.ALL) return true;
        if (t.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
            return which == Lanes.YOURS_AND_CARRIERS; // carriers live long: any age
        }
        return t.threadId() >= firstNewThreadId && looksStartedByLearner(t);
    }

    /**
     * Whether platform thread {@code t}, started during the trace, looks like one the learner's code started
     * rather than one the JDK or the JVM started (the rule of the class comment).
     */
    static boolean looksStartedByLearner(Thread t) {
        if (t.getName().startsWith("conclab-")) return false;
        ThreadGroup group = t.getThreadGroup(); // null once terminated
        if (group != null && group.getParent() == null) return false; // the root "system" group: the JVM's
        Class<?> type = t.getClass();
        if (type == Thread.class || type.getName().equals("java.util.TimerThread")) return true;
        if (type == ForkJoinWorkerThread.class) return ((ForkJoinWorkerThread) t).getPool() != ForkJoinPool.commonPool();
        ClassLoader loader = type.getClassLoader();
        return loader != null && loader != ClassLoader.getPlatformClassLoader(); // a Thread subclass of the learner's
    }

    private static long maxThreadId() {
        long max = 0;
        for (long id : ManagementFactory.getThreadMXBean().getAllThreadIds()) max = Math.max(max, id);
        return Math.max(max, Thread.currentThread().threadId());
    }
}
