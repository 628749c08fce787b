import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.FieldSwap;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import conclab.web.Web;
import conclab.web.WebServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import jdk.management.VirtualThreadSchedulerMXBean;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the structured-crawl exercise: the learner may read them. Most crawls run against the course's
 * local shop ({@code conclab.web.WebServer}: an index page that links to 20 goods pages, each linking to the next
 * three), through a {@link Recorder} that notes on which thread each fetch ran and whether it sees the
 * {@link #CRAWL} scoped value that the test binds around {@code crawl}. The shop counts the requests in flight
 * itself, so "how many at once" is the server's own count. While the shop holds the first fetches, the other
 * subtasks can only wait for a permit: the test JVM's CPU time and samples of the virtual threads' scheduler show
 * whether they wait or spin ({@link Gated}; no thread dumps, which crashed the JDK 25.0.3 test JVM now and then).
 * The check of "seen" crawls a made-up site ({@link Layers}) through a set that makes the check-then-act
 * interleaving certain ({@link Rendezvous}).
 */
class StructuredCrawlTest {
    /** Bound around every crawl: a thread forked by a StructuredTaskScope inside crawl inherits it, others do not. */
    static final ScopedValue<String> CRAWL = ScopedValue.newInstance();

    /** A fetcher over the shop that records every call. Thread-safe. */
    static final class Recorder implements Fetcher {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        /** "URL on thread NAME" for each fetch that ran on a platform thread. */
        final List<String> platform = new CopyOnWriteArrayList<>();
        /** URLs fetched on a thread that does not see CRAWL. */
        final List<String> outsideScope = new CopyOnWriteArrayList<>();
        /** Every thread that ran a fetch. */
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        /** Fetches running now. */
        final AtomicInteger running = new AtomicInteger();
        /** Extra links, by page: a page of the shop can link back to the index, say. */
        final Map<String, List<String>> extra = new ConcurrentHashMap<>();
        /** Set by the test when crawl has returned; URLs whose fetch started after that. */
        volatile boolean returned;
        final List<String> afterReturn = new CopyOnWriteArrayList<>();
        /** The message of each failure the fetcher threw, by URL. */
        final Map<String, String> failures = new ConcurrentHashMap<>();
        /** URLs whose fetch began on a thread already interrupted (a cancelled subtask that went on). */
        final List<String> enteredInterrupted = new CopyOnWriteArrayList<>();

        @Override
        public List<String> links(String url) throws Exception {
            if (returned) afterReturn.add(url);
            calls.computeIfAbsent(url, k -> new AtomicInteger()).incrementAndGet();
            Thread t = Thread.currentThread();
            if (t.isInterrupted()) enteredInterrupted.add(path(url));
            threads.add(t);
            if (!t.isVirtual()) platform.add(path(url) + " on thread \"" + t.getName() + "\"");
            if (!CRAWL.isBound()) outsideScope.add(path(url));
            running.incrementAndGet();
            try {
                String html = Web.get(url);
                List<String> links = new ArrayList<>(Web.links(url, html));
                links.addAll(extra.getOrDefault(url, List.of()));
                return links;
            } catch (RuntimeException e) {
                failures.put(url, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                running.decrementAndGet();
            }
        }

        int fetches() {
            return calls.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        /** Forgets what it recorded, for another crawl with the same crawler (when no fetch of the last one runs). */
        void again() {
            calls.clear();
            platform.clear();
            outsideScope.clear();
            threads.clear();
            afterReturn.clear();
            failures.clear();
            enteredInterrupted.clear();
            returned = false;
        }
    }

    /** What a crawl run by {@link #crawl} saw when crawl returned. */
    record Run(Map<String, String> pages, int runningAtReturn, int fetchesAtReturn) {}

    /**
     * Runs {@code crawler.crawl(root)} with {@link #CRAWL} bound, on a platform thread of its own, and waits up to
     * {@code limit}; after crawl returns, that thread stays {@code hold} before it ends (fetches that start
     * meanwhile were left running by crawl).
     */
    @SuppressWarnings("unchecked")
    static Run crawl(Crawler crawler, String root, Recorder rec, Duration limit, Duration hold) {
        Waiting w = Waiting.start("crawl", () -> ScopedValue.where(CRAWL, "crawl").call(() -> {
            Map<String, String> pages = crawler.crawl(root);
            rec.returned = true;
            Run r = new Run(pages == null ? null : new TreeMap<>(pages), rec.running.get(), rec.fetches());
            Thread.sleep(hold);
            return r;
        }));
        // No thread dump here (Hang.threadsIn): dumping the stacks of virtual threads while they mount and unmount
        // crashed the JDK 25.0.3 test JVM now and then (SIGSEGV in Continuation::is_continuation_entry_frame).
        try {
            return (Run) w.returns(limit.plus(hold));
        } catch (AssertionError e) {
            if (e.getCause() != null) throw new AssertionError("crawl threw " + e.getCause() + ".", e.getCause());
            unspin(crawler);
            int running = rec.running.get();
            throw new AssertionError(e.getMessage() + "\n" + rec.fetches() + " fetch(es) had started, and " + running
                    + " were running at the end" + (running > 0 ? "." : ": do the others wait for a permit that is never"
                    + " given back (held while waiting for the links' subtasks, or lost when a fetch failed)?"));
        }
    }

    static Run crawl(Crawler crawler, String root, Recorder rec) {
        return crawl(crawler, root, rec, Duration.ofSeconds(6), Duration.ZERO);
    }

    static String path(String url) {
        int slash = url.indexOf('/', "http://".length());
        return slash < 0 ? url : url.substring(slash);
    }

    /** The shop's index and its goods pages, as the crawl should return them. */
    static Set<String> everyPage(WebServer shop) {
        Set<String> all = new TreeSet<>(shop.urls());
        all.add(shop.url());
        return all;
    }

    /** Checks that pages holds every page of the shop, once, with "ok" except for the pages in failed. */
    static void checkPages(Map<String, String> pages, WebServer shop, IntPredicate failed) {
        checkPages(pages, shop, failed, null);
    }

    /**
     * As {@link #checkPages(Map, WebServer, IntPredicate)}; if {@code messages} is not null, the entry of a failed
     * page must also hold the message of the failure the fetcher threw for it.
     */
    static void checkPages(Map<String, String> pages, WebServer shop, IntPredicate failed, Map<String, String> messages) {
        if (pages == null) throw new AssertionError("crawl returned null.");
        Set<String> expected = everyPage(shop);
        List<String> missing = new ArrayList<>(), extra = new ArrayList<>();
        for (String url : expected) if (!pages.containsKey(url)) missing.add(path(url));
        for (String url : pages.keySet()) if (!expected.contains(url)) extra.add(url);
        if (!missing.isEmpty()) {
            throw new AssertionError("The result of crawl has no entry for " + missing.size() + " of the shop's "
                    + expected.size() + " pages: " + missing + ".");
        }
        if (!extra.isEmpty()) throw new AssertionError("The result of crawl has entries for pages the shop does not have: " + extra + ".");
        for (int n = 0; n <= shop.urls().size(); n++) {
            String url = n == 0 ? shop.url() : shop.url(n);
            String v = pages.get(url);
            if (n > 0 && failed.test(n)) {
                if (v == null || !v.startsWith("error: ")) {
                    throw new AssertionError(path(url) + " failed (the shop answered 500 or hung up), and the result says \""
                            + v + "\" for it: it should start with \"error: \".");
                }
                String message = messages == null ? null : messages.get(url);
                if (message != null && !v.equals("error: " + message)) {
                    throw new AssertionError(path(url) + " failed with the message \"" + message + "\", and the result says \""
                            + v + "\" for it: it should be \"error: \" followed by the failure's message (getMessage()).");
                }
            } else if (!"ok".equals(v)) {
                throw new AssertionError("The result says \"" + v + "\" for " + path(url) + ", which the shop served: it should be \"ok\".");
            }
        }
    }

    static void checkOnce(Recorder rec) {
        for (var e : new TreeMap<>(rec.calls).entrySet()) {
            if (e.getValue().get() != 1) {
                throw new AssertionError(path(e.getKey()) + " was fetched " + e.getValue().get() + " times, not once: mark"
                        + " each URL seen when it is first found, and fetch only what was not seen before.");
            }
        }
    }

    /**
     * A shop whose goods pages, at first, wait until {@code n} requests are in flight (at most 4 s), and 500 ms
     * more: its busiest moment then shows how many fetches the crawler lets run at once. After that, pages come
     * after {@code latency}. Over 400 ms of those 500, while the other subtasks can only wait for a permit, it
     * measures the CPU time the whole test JVM uses ({@link #window}, {@link #cpu}), and samples the virtual
     * threads' scheduler every 2 ms: how often a virtual thread was mounted on a carrier or queued to be
     * ({@link #busy} of {@link #samples}). Subtasks that wait in acquire are parked, neither mounted nor queued;
     * subtasks that spin are always one or the other, however little CPU a busy machine gives them. On Linux it
     * also counts the wake-ups of the scheduler's carrier threads and of its unparker ({@link #wakeups}): subtasks
     * that sleep between tries wake them at every try, though mounted too briefly to show in the samples.
     */
    static final class Gated implements AutoCloseable {
        final WebServer shop;
        private final CountDownLatch open = new CountDownLatch(1);
        /** The wall time and the process CPU time of the measured window, in ns; window is 0 if none was measured. */
        volatile long window, cpu;
        /** Samples of the scheduler in the window, and those in which a virtual thread was mounted or queued. */
        volatile int samples, busy;
        /** Wake-ups of the carriers and the unparker in the window (Linux), or -1 where they cannot be counted. */
        volatile long wakeups = -1;
        /** The most threads seen queued in the crawler's semaphore in the window, or -1 if not looked at. */
        volatile int mostQueued = -1;
        private final java.util.function.IntSupplier queued;

        Gated(int n, Duration latency, IntPredicate failing) {
            this(n, latency, failing, () -> 0, null, null);
        }

        /**
         * As {@link #Gated(int, Duration, IntPredicate)}, counting as in flight the larger of the shop's count and
         * {@code started} (fetches that began: on a carrier kept busy by spinning subtasks, the shop's own virtual
         * threads may never get to count them); if the window shows spinning, runs onSpin before opening. If
         * {@code queued} is not null, it is sampled in the window ({@link #mostQueued}).
         */
        Gated(int n, Duration latency, IntPredicate failing, java.util.function.IntSupplier started, Runnable onSpin,
                java.util.function.IntSupplier queued) {
            this.queued = queued;
            shop = WebServer.builder().latency(latency).serverError(failing).onRequest(page -> {
                if (page < 1) return;
                try {
                    open.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).start();
            Thread.ofPlatform().daemon().name("gate opener").start(() -> {
                long deadline = System.nanoTime() + 4_000_000_000L;
                try {
                    while (Math.max(shop.inFlight(), started.getAsInt()) < n && System.nanoTime() < deadline) Thread.sleep(1);
                    Thread.sleep(100); // room for one more to come in, if the crawler lets it, and for the rest to settle
                    measure(Duration.ofMillis(400)); // and more room meanwhile
                    if (onSpin != null && spun()) onSpin.run();
                } catch (InterruptedException e) {
                    // open now
                }
                open.countDown();
            });
        }

        /**
         * Measures the window: the process CPU time, and samples of the scheduler every 2 ms, for {@code length}
         * and at least 20 samples (a busy machine may give this thread little time), up to 3 s.
         */
        private void measure(Duration length) throws InterruptedException {
            long cpu0 = processCpu(), woken0 = schedulerWakeups(), t0 = System.nanoTime();
            int sampled = 0, running = 0, most = -1;
            while (System.nanoTime() - t0 < length.toNanos() || sampled < 20 && System.nanoTime() - t0 < 3_000_000_000L) {
                sampled++;
                if (SCHEDULER.getMountedVirtualThreadCount() > 0 || SCHEDULER.getQueuedVirtualThreadCount() > 0) running++;
                if (queued != null) most = Math.max(most, queued.getAsInt());
                Thread.sleep(2);
            }
            mostQueued = most;
            long cpu1 = processCpu(), woken1 = schedulerWakeups(), t1 = System.nanoTime();
            samples = sampled;
            busy = running;
            if (woken0 >= 0 && woken1 >= 0) wakeups = woken1 - woken0;
            if (cpu0 >= 0 && cpu1 >= 0) {
                cpu = cpu1 - cpu0;
                window = t1 - t0;
            }
        }

        /** Whether the measured window shows waiting subtasks that spin: see {@link #IDLE_SHARE}. */
        boolean spun() {
            return window > 0 && (cpu > window * IDLE_SHARE || busy > samples * IDLE_SHARE || wakeups > MOST_WAKEUPS);
        }

        /** The window, in words. */
        String described() {
            return "the test JVM used " + cpu / 1_000_000 + " ms of CPU in " + window / 1_000_000 + " ms, a virtual thread"
                    + " was running or queued to run in " + busy + " of " + samples + " looks at the scheduler"
                    + (wakeups < 0 ? "" : ", and the scheduler's threads woke up " + wakeups + " times");
        }

        @Override
        public void close() {
            open.countDown();
            shop.close();
        }
    }

    /** The virtual threads' scheduler, seen through its MXBean; made (and its classes loaded) with this class. */
    static final VirtualThreadSchedulerMXBean SCHEDULER = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);

    static {
        SCHEDULER.getQueuedVirtualThreadCount();
        processCpu();
    }

    /**
     * The most wake-ups of the scheduler's threads in the measured window. Subtasks parked in acquire wake none
     * (0 in a run of the reference, 2026-12-05); the 17 waiting subtasks woke them 538 times when they slept 5 ms
     * between tries (SleepPoll). Subtasks that sleep together wake together: one wake-up of the unparker and one
     * of a carrier serve them all, so a sleep of 100 ms may wake them only a few times in the window (such a
     * version, tried, was caught in one run of two), and a sleep of more than about 30 ms is not reliably caught.
     */
    static final long MOST_WAKEUPS = 20;

    /**
     * The voluntary context switches so far of the threads that run virtual threads: the scheduler's carriers
     * ("ForkJoinPool-N-worker-M") and its unparker, which wakes sleeping virtual threads (Linux's
     * /proc/self/task/T/status; the name in comm is cut to 15 characters). -1 where /proc cannot be read.
     */
    static long schedulerWakeups() {
        return ContextSwitches.sum(name -> name.startsWith("ForkJoinPool-") || name.startsWith("VirtualThread-u"));
    }

    /** The CPU time used by the whole test JVM so far, in ns (-1 if it cannot be read). */
    static long processCpu() {
        return conclab.threads.CpuUse.jvmCpuNanos();
    }

    /**
     * Crawls a gated shop with a crawler that allows n fetches at once, and checks that exactly n ran at once; a
     * failure ends with {@code more} (too many at once) or {@code fewer} (too few, or no end).
     */
    static void checkLimit(Crawler crawler, Recorder rec, int n, String what, String more, String fewer) {
        checkLimit(crawler, rec, n, what, more, fewer, false);
    }

    /**
     * As {@link #checkLimit(Crawler, Recorder, int, String, String, String)}; if {@code idle}, also checks that
     * while the shop held n fetches and the other subtasks could only wait for a permit, the test JVM used less
     * than half a core: {@link #IDLE_SHARE} of the window's wall time in CPU time.
     */
    static void checkLimit(Crawler crawler, Recorder rec, int n, String what, String more, String fewer, boolean idle) {
        try (Gated gated = new Gated(n, Duration.ofMillis(20), p -> false, rec.running::get, idle ? () -> unspin(crawler) : null,
                idle ? () -> queueLength(crawler) : null)) {
            Run run;
            try {
                run = crawl(crawler, gated.shop.url(), rec, Duration.ofSeconds(8), Duration.ZERO);
            } catch (AssertionError e) {
                if (idle && gated.spun()) throw new AssertionError(spinning(what, n, gated), e);
                throw new AssertionError(what + ": " + e.getMessage() + " " + fewer, e);
            }
            if (idle && gated.spun()) throw new AssertionError(spinning(what, n, gated));
            if (idle && gated.mostQueued == 0) {
                // a thread parked in acquire() is queued in the semaphore: one that polls tryAcquire never is
                throw new AssertionError(what + ", while the shop held " + n + " fetches and the other "
                        + (gated.shop.urls().size() - n) + " pages' subtasks could only wait for a permit, no thread was queued in"
                        + " the crawler's semaphore (getQueueLength() was 0 in every look, " + gated.described() + "): the"
                        + " subtasks did not wait in acquire(). Block in acquire(), which parks the virtual thread until a"
                        + " permit is given back; a loop that tries again (tryAcquire with a sleep between tries) wakes for"
                        + " nothing and takes a permit late.");
            }
            checkPages(run.pages(), gated.shop, p -> false);
            int most = gated.shop.maxInFlight();
            if (most > n) {
                throw new AssertionError(what + ", the shop had " + most + " requests in flight at once: never more than "
                        + n + ". " + more);
            }
            if (most < n) {
                throw new AssertionError(what + ", the shop never had more than " + most + " request(s) in flight at once,"
                        + " with " + gated.shop.urls().size() + " pages waiting to be fetched: " + n + " should run at the same"
                        + " time. " + fewer);
            }
        }
    }

    static String spinning(String what, int n, Gated gated) {
        return what + ", while the shop held " + n + " fetches and the other " + (gated.shop.urls().size() - n) + " pages'"
                + " subtasks could only wait for a permit, " + gated.described() + ": a subtask waiting for a permit must"
                + " use no CPU. Block in acquire(), which parks the virtual thread and frees its carrier; a loop that tries"
                + " again (tryAcquire, yield, onSpinWait, or a sleep between tries) keeps the carriers busy or wakes them, and may keep the fetches that hold the"
                + " permits from ever getting a carrier back.";
    }

    /**
     * After a crawl that did not end, or a window that showed spinning: gives the crawler's semaphore many
     * permits, so that subtasks still waiting for one (spinning, or parked for a permit that was lost) go on and
     * end, instead of running beside the rest of the check.
     */
    static void unspin(Crawler crawler) {
        try {
            var field = Crawler.class.getDeclaredField("permits");
            field.setAccessible(true);
            if (field.get(crawler) instanceof java.util.concurrent.Semaphore permits) permits.release(1_000);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not the skeleton's field: the check goes on
        }
    }

    /**
     * How many threads wait in the crawler's semaphore ({@code permits}, the skeleton's field), or -1 if it has
     * none: then the probe has nothing to look at, and the other probes decide.
     */
    static int queueLength(Crawler crawler) {
        try {
            var field = Crawler.class.getDeclaredField("permits");
            field.setAccessible(true);
            return field.get(crawler) instanceof java.util.concurrent.Semaphore permits ? permits.getQueueLength() : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The most CPU time the test JVM may use while subtasks wait for permits, as a share of the wall time (half
     * a core), and the largest share of the scheduler's samples in which a virtual thread may be mounted or
     * queued. Subtasks that really wait leave both near zero; subtasks that spin keep a virtual thread mounted
     * or queued in nearly every sample, even when a busy machine gives their carriers little CPU.
     */
    static final double IDLE_SHARE = 0.5;

    static final String TAKE = "Take a permit before each fetch.";
    static final String SPREAD = "Fork every new link at once, let each subtask wait for its own permit, and give the"
            + " permit back as soon as its fetch has ended (not after the page's links have been crawled).";

    @Test
    @Property("fetches-every-page")
    void fetchesEveryPage() {
        try (WebServer shop = WebServer.start(Duration.ofMillis(20))) {
            Recorder rec = new Recorder();
            rec.extra.put(shop.url(20), List.of(shop.url())); // the last goods page links back to the index
            Run run = crawl(new Crawler(4, rec), shop.url(1), rec); // from page 1: 2, 3, 4, then theirs, ...
            checkPages(run.pages(), shop, p -> false);
            checkOnce(rec);
        }
    }

    @Test
    @Property("virtual-threads")
    void virtualThreads() {
        try (WebServer shop = WebServer.start(Duration.ofMillis(20))) {
            Recorder rec = new Recorder();
            crawl(new Crawler(4, rec), shop.url(), rec);
            if (rec.calls.isEmpty()) throw new AssertionError("crawl fetched nothing.");
            if (!rec.platform.isEmpty()) {
                throw new AssertionError(rec.platform.size() + " fetch(es) ran on platform threads, for example "
                        + rec.platform.get(0) + ": every fetch, the root's too, runs on a virtual thread forked by a"
                        + " StructuredTaskScope.");
            }
            if (!rec.outsideScope.isEmpty()) {
                throw new AssertionError(rec.outsideScope.size() + " fetch(es) ran on virtual threads that do not see the"
                        + " ScopedValue bound by crawl's caller, for example " + rec.outsideScope.get(0) + ": they were not"
                        + " forked by a StructuredTaskScope opened inside crawl (threads of an ExecutorService inherit no"
                        + " scoped values).");
            }
        }
    }

    @Test
    @Property("at-most-n")
    void atMostN() {
        Recorder rec = new Recorder();
        Crawler crawler = new Crawler(3, rec);
        TimedWaits timed = TimedWaits.watch(crawler);
        checkLimit(crawler, rec, 3, "With a limit of 3", TAKE, SPREAD, true);
        if (timed != null && timed.count.get() > 0) {
            throw new AssertionError("With a limit of 3, subtasks waited for a permit " + timed.count.get() + " time(s) with"
                    + " a time limit (" + timed.first + "). A subtask that gives up when the time is up reports a page"
                    + " that was fine as an error, or never fetches it; one that tries again in a loop wakes for nothing."
                    + " Wait in acquire(), which parks until a fetch gives a permit back.");
        }
        checkShared();
    }

    /**
     * The crawler's semaphore ({@code permits}, the skeleton's field), replaced before the crawl by one that counts
     * the timed waits for a permit (tryAcquire with a timeout above zero; a zero timeout is a try, which the spinning
     * probes judge), with the same permits and fairness. Null when the crawler has no such field, or it is not a plain
     * Semaphore, or is held elsewhere too ({@link FieldSwap}): then the other probes decide.
     */
    static final class TimedWaits extends java.util.concurrent.Semaphore {
        final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        volatile String first;

        private TimedWaits(int permits, boolean fair) {
            super(permits, fair);
        }

        static TimedWaits watch(Crawler crawler) {
            return FieldSwap.swap(crawler, "permits", java.util.concurrent.Semaphore.class, original -> {
                var permits = (java.util.concurrent.Semaphore) original;
                return new TimedWaits(permits.availablePermits(), permits.isFair());
            });
        }

        private void counted(String call) {
            if (count.getAndIncrement() == 0) first = call;
        }

        @Override
        public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
            if (timeout > 0) counted("tryAcquire(" + timeout + ", " + unit + ")");
            return super.tryAcquire(timeout, unit);
        }

        @Override
        public boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException {
            if (timeout > 0) counted("tryAcquire(" + permits + ", " + timeout + ", " + unit + ")");
            return super.tryAcquire(permits, timeout, unit);
        }
    }

    /**
     * Two crawls at once with one crawler whose limit is 2, on a gated shop: the limit holds across both, since
     * the permits are the crawler's, not one crawl's.
     */
    @SuppressWarnings("unchecked")
    static void checkShared() {
        Recorder rec = new Recorder();
        Crawler crawler = new Crawler(2, rec);
        String what = "Two crawls at the same time with one crawler whose limit is 2";
        try (Gated gated = new Gated(2, Duration.ofMillis(20), p -> false)) {
            List<Waiting> crawls = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                crawls.add(Waiting.start("crawl " + i, () -> ScopedValue.where(CRAWL, "crawl").call(() -> crawler.crawl(gated.shop.url()))));
            }
            for (Waiting w : crawls) {
                Map<String, String> pages;
                try {
                    pages = (Map<String, String>) w.returns(Duration.ofSeconds(8));
                } catch (AssertionError e) {
                    if (e.getCause() == null) unspin(crawler);
                    throw new AssertionError(what + ": " + e.getMessage(), e.getCause());
                }
                checkPages(pages == null ? null : new TreeMap<>(pages), gated.shop, p -> false);
            }
            int most = gated.shop.maxInFlight();
            if (most > 2) {
                throw new AssertionError(what + ": the shop had " + most + " requests in flight at once, never more than 2"
                        + " should be. The limit is the crawler's, across all its crawls: every fetch takes one of the"
                        + " crawler's permits, not a permit of a semaphore made for one crawl.");
            }
        }
    }

    @Test
    @Property("failure-reported")
    void failureReported() {
        try (WebServer shop = WebServer.builder().latency(Duration.ofMillis(20)).serverError(5).hangUp(9).start()) {
            Recorder rec = new Recorder();
            Run run;
            try {
                run = crawl(new Crawler(3, rec), shop.url(), rec);
            } catch (AssertionError e) {
                if (e.getCause() == null || Evidence.notDone(e.getCause())) throw e;
                throw new AssertionError("Pages 5 (HTTP 500) and 9 (no answer) failed, and crawl threw " + e.getCause()
                        + ": a page's failure must not end the crawl. Catch it in that page's subtask and record it as"
                        + " \"error: \" and its message.", e.getCause());
            }
            checkPages(run.pages(), shop, p -> p == 5 || p == 9, rec.failures);
        }
        checkRootDown();
    }

    /** A crawl whose very first fetch, the root's, throws: the result is that one page, reported, not an exception. */
    static void checkRootDown() {
        Crawler crawler = new Crawler(3, url -> {
            throw new java.io.IOException("root down");
        });
        Map<String, String> pages;
        try {
            pages = run(crawler);
        } catch (AssertionError e) {
            if (e.getCause() == null || Evidence.notDone(e.getCause())) throw e;
            throw new AssertionError("A crawl whose root's fetch threw IOException(\"root down\") threw " + e.getCause()
                    + ": the root's failure is reported like any page's, as \"error: root down\", and crawl returns.", e.getCause());
        }
        Map<String, String> expected = Map.of("/", "error: root down");
        if (!expected.equals(pages)) {
            throw new AssertionError("A crawl of \"/\" whose fetch threw IOException(\"root down\") returned " + pages
                    + ": it should return exactly " + expected + ".");
        }
    }

    @Test
    @Property("releases-on-failure")
    void releasesOnFailure() {
        Recorder rec = new Recorder();
        Crawler crawler = new Crawler(2, rec);
        IntPredicate failing = p -> p % 3 == 2; // 7 of the 20 pages answer 500
        try (WebServer shop = WebServer.builder().latency(Duration.ofMillis(10)).serverError(failing).start()) {
            Run run = crawl(crawler, shop.url(), rec);
            checkPages(run.pages(), shop, failing);
        } catch (AssertionError e) {
            throw new AssertionError("With a limit of 2, a crawl of a shop where 7 pages fail: " + e.getMessage(), e);
        }
        rec.again();
        checkLimit(crawler, rec, 2, "Crawling again with the same crawler after 7 pages had failed", TAKE,
                "A failed fetch must give its permit back (release in a finally). " + SPREAD);
    }

    @Test
    @Property("waits-for-all")
    void waitsForAll() {
        try (WebServer shop = WebServer.start(Duration.ofMillis(30))) {
            Recorder rec = new Recorder();
            Run run = crawl(new Crawler(3, rec), shop.url(), rec, Duration.ofSeconds(6), Duration.ofMillis(300));
            int pages = everyPage(shop).size();
            if (run.runningAtReturn() > 0 || run.fetchesAtReturn() < pages || !rec.afterReturn.isEmpty()) {
                throw new AssertionError("When crawl returned, " + run.fetchesAtReturn() + " of the " + pages + " pages had been"
                        + " fetched, " + run.runningAtReturn() + " fetch(es) were still running, and " + rec.afterReturn.size()
                        + " started afterwards: crawl must join its scope (and every nested one) and close it, so that"
                        + " nothing it started outlives it.");
            }
            long deadline = System.nanoTime() + 1_000_000_000L;
            for (Thread t : rec.threads) {
                try {
                    t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (t.getState() != Thread.State.TERMINATED) { // as join says: isAlive() turns false a moment after
                    throw new AssertionError("A thread that fetched a page was still alive 1 s after crawl returned: " + t
                            + " (" + t.getState() + ").");
                }
            }
        }
    }

    /**
     * A site of layers of 2 pages, each page linking to both pages of the next layer: every link below the first
     * layer is found by two pages. The 2 pages of a layer are fetched together (each waits, up to 500 ms, for the
     * other), so their threads look at the same 2 new links at about the same moment.
     */
    static final class Layers implements Fetcher {
        static final int WIDTH = 2, DEPTH = 4;
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final CountDownLatch[] arrived = new CountDownLatch[DEPTH + 1];

        Layers() {
            for (int j = 0; j <= DEPTH; j++) arrived[j] = new CountDownLatch(WIDTH);
        }

        @Override
        public List<String> links(String url) throws Exception {
            calls.computeIfAbsent(url, k -> new AtomicInteger()).incrementAndGet();
            int layer = url.equals("/") ? 0 : Integer.parseInt(url.split("/")[1]);
            if (layer > 0) {
                arrived[layer].countDown();
                arrived[layer].await(500, TimeUnit.MILLISECONDS);
            }
            List<String> next = new ArrayList<>();
            if (layer < DEPTH) for (int i = 0; i < WIDTH; i++) next.add("/" + (layer + 1) + "/" + i);
            return next;
        }
    }

    /**
     * The set the crawl made, with one change: when two threads ask whether it contains the same link (a link
     * that two pages found), each answer waits, at most 500 ms, until the other thread has asked too. A crawl that
     * first asks "seen?" and then marks the link seen lets both threads hear "no": the interleaving that makes a
     * check-then-act race, made certain instead of rare. A crawl that decides with add alone never waits.
     */
    static final class Rendezvous extends AbstractSet<String> {
        private final Set<String> inner;
        private final Map<Object, CountDownLatch> asked = new ConcurrentHashMap<>();

        Rendezvous(Set<String> inner) {
            this.inner = inner;
        }

        @Override
        public boolean contains(Object o) {
            boolean answer = inner.contains(o);
            if (o instanceof String url && url.matches("/[2-9]/\\d+")) {
                CountDownLatch both = asked.computeIfAbsent(o, k -> new CountDownLatch(2));
                both.countDown();
                try {
                    both.await(500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer;
        }

        @Override
        public boolean add(String s) {
            return inner.add(s);
        }

        @Override
        public boolean remove(Object o) {
            return inner.remove(o);
        }

        @Override
        public Iterator<String> iterator() {
            return inner.iterator();
        }

        @Override
        public int size() {
            return inner.size();
        }
    }

    @Test
    @Property("seen-atomic")
    void seenAtomic() {
        Layers site = new Layers();
        AtomicInteger made = new AtomicInteger();
        Crawler crawler = new Crawler(Layers.WIDTH, site) {
            @Override
            Set<String> newSeenSet() {
                made.incrementAndGet();
                return new Rendezvous(super.newSeenSet());
            }
        };
        Map<String, String> pages = run(crawler);
        if (made.get() == 0) throw new AssertionError("crawl did not make its set of seen URLs with newSeenSet().");
        for (var e : new TreeMap<>(site.calls).entrySet()) {
            if (e.getValue().get() > 1) {
                throw new AssertionError("Two pages found the same link " + e.getKey() + " at about the same moment, and it"
                        + " was fetched " + e.getValue().get() + " times: both threads asked \"seen?\", both heard \"no\","
                        + " then both marked it. Make \"seen?\" and \"mark it seen\" one atomic step: the set's add returns"
                        + " whether the URL was new.");
            }
        }
        int all = 1 + Layers.WIDTH * Layers.DEPTH;
        if (pages == null || pages.size() != all) {
            throw new AssertionError("crawl returned " + (pages == null ? "null" : pages.size() + " pages") + ", not the site's " + all + ".");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> run(Crawler crawler) {
        Waiting w = Waiting.start("crawl", () -> ScopedValue.where(StructuredCrawlTest.CRAWL, "crawl")
                .call(() -> crawler.crawl("/")));
        try {
            return (Map<String, String>) w.returns(Duration.ofSeconds(6));
        } catch (AssertionError e) {
            if (e.getCause() != null) throw new AssertionError("crawl threw " + e.getCause() + ".", e.getCause());
            unspin(crawler);
            throw e;
        }
    }
}
