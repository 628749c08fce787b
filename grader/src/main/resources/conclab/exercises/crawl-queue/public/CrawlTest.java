import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Public tests of the crawl-queue exercise: the learner may read them. */
class CrawlTest {
    static List<String> urls(int n) {
        List<String> urls = new ArrayList<>();
        for (int i = 1; i <= n; i++) urls.add("/goods/" + i + "/");
        return urls;
    }

    /**
     * The ids of the live threads, platform and virtual, that run Downloader.run, from one thread dump (each thread's
     * block starts "#ID"). Ids, not a count: consumers left over by the other tests may end at any time (one whose
     * fetch was held until its test ended takes its pill later), and a count taken before would then hide one of
     * this test's consumers that never ends.
     */
    static Set<Long> downloaderThreads() {
        Set<Long> ids = new java.util.HashSet<>();
        for (Hang.DumpedThread t : Hang.dump()) {
            if (t.hasFrame("Downloader.run") && t.id() >= 0) ids.add(t.id());
        }
        return ids;
    }

    /** How many threads run Downloader.run now that did not in {@code before}, {@code except} left out. */
    static int newDownloaders(Set<Long> before, long except) {
        Set<Long> now = downloaderThreads();
        now.removeAll(before);
        now.remove(except);
        return now.size();
    }

    /** Runs fetchAll on a thread of its own and fails, saying where it waits, if it has not returned in 6 s. */
    @SuppressWarnings("unchecked")
    static Map<String, String> fetchAll(List<String> urls, int consumers, Function<String, String> fetch) {
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, consumers, fetch));
        return (Map<String, String>) run.returns(Duration.ofSeconds(6));
    }

    @Test
    @Property("fetches-every-url")
    void fetchesEveryUrl() throws InterruptedException {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, String> pages = fetchAll(urls(20), 3, url -> {
            calls.computeIfAbsent(url, k -> new AtomicInteger()).incrementAndGet();
            return "page of " + url;
        });
        for (String url : urls(20)) {
            if (!("page of " + url).equals(pages.get(url))) throw new AssertionError("The result has " + pages.get(url) + " for " + url + ".");
            int n = calls.containsKey(url) ? calls.get(url).get() : 0;
            if (n != 1) throw new AssertionError(url + " was fetched " + n + " times, not once.");
        }
        lastFetchedLast();
        everyConsumerWaitedFor(true);
        everyConsumerWaitedFor(false);
    }

    /**
     * 3 URLs, 3 consumers, every fetch held: each consumer takes one URL and waits in its fetch. Then the test lets every
     * fetch go but the one on the consumer thread created first ({@code first}), or last (thread ids grow in the order
     * threads are made), and waits until fetchAll returns or waits (parked) for 50 ms. A fetchAll that joins one consumer
     * only returns, in one of the two rounds, while another's fetch is still held. A fetchAll whose consumers do not all
     * fetch at once is left to consumers-in-parallel.
     */
    static void everyConsumerWaitedFor(boolean first) throws InterruptedException {
        List<String> urls = urls(3);
        Set<Thread> fetchers = ConcurrentHashMap.newKeySet();
        CountDownLatch fetching = new CountDownLatch(3), releaseOthers = new CountDownLatch(1), releaseKept = new CountDownLatch(1);
        CountDownLatch othersDone = new CountDownLatch(2);
        java.util.concurrent.atomic.AtomicReference<Thread> kept = new java.util.concurrent.atomic.AtomicReference<>();
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 3, url -> {
            fetchers.add(Thread.currentThread());
            fetching.countDown();
            try { // bounded waits, longer than the test's own (20 s for the three to start): a check never hangs on what it holds
                releaseOthers.await(60, TimeUnit.SECONDS);
                if (Thread.currentThread() == kept.get()) releaseKept.await(60, TimeUnit.SECONDS);
                else othersDone.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "page of " + url;
        }));
        try {
            // A bound for a machine at a load of 50: past it the property is not judged (passes), so it is generous.
            if (!fetching.await(20, TimeUnit.SECONDS) || fetchers.size() != 3) return;
            Thread keep = fetchers.stream().reduce((a, b) -> (a.threadId() < b.threadId()) == first ? a : b).orElseThrow();
            kept.set(keep);
            releaseOthers.countDown();
            // The two others finish their fetches and end at their pills (or, on a pool, park for the next task):
            // only then is a fetchAll that joined one of them free to return, however slowly the machine runs it.
            othersDone.await(5, TimeUnit.SECONDS);
            for (Thread other : fetchers) if (other != keep) endsOrParks(other, Duration.ofSeconds(5));
            waitsOrReturns(run, Duration.ofSeconds(5));
            if (run.done()) {
                releaseKept.countDown();
                run.returns(Duration.ZERO); // rethrows what fetchAll threw
                throw new AssertionError("With 3 consumers each fetching one of 3 URLs, the test let two fetches end and held the"
                        + " third, on the consumer created " + (first ? "first" : "last") + " (" + keep.getName() + "); fetchAll"
                        + " returned while that fetch was still running. Join every consumer, not only one: the consumer that"
                        + " takes the last pill is not the last to finish its work.");
            }
        } finally {
            releaseOthers.countDown();
            releaseKept.countDown();
        }
        @SuppressWarnings("unchecked")
        Map<String, String> pages = (Map<String, String>) run.returns(Duration.ofSeconds(6));
        for (String url : urls) {
            if (!("page of " + url).equals(pages.get(url))) {
                throw new AssertionError("With 3 consumers each fetching one of 3 URLs (one held longer), the result has "
                        + pages.get(url) + " for " + url + ".");
            }
        }
    }

    /**
     * 5 URLs, 3 consumers; the fetch of the last URL waits until fetchAll has returned, or has waited (parked,
     * not in a sleep) for 50 ms on end, or 5 s have passed. A fetchAll that returned meanwhile did not wait for
     * its consumers; one that waits in a Thread.join with a time limit breaks the rule of the statement (join()
     * without a limit), even where it joins again in a loop;
     * one that reads the pages before its consumers have ended (a copy, say) misses that page.
     */
    static void lastFetchedLast() {
        List<String> urls = urls(5);
        String slow = urls.get(4);
        CountDownLatch release = new CountDownLatch(1);
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 3, url -> {
            if (url.equals(slow)) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "page of " + url;
        }));
        waitsOrReturns(run, Duration.ofSeconds(5));
        String timed = run.done() ? null : run.waitsWithTimeLimit(Duration.ofSeconds(2));
        if (run.done()) { // the fetch of the last URL is still held: the consumer that took it has not ended
            release.countDown();
            run.returns(Duration.ZERO); // rethrows what fetchAll threw
            throw new AssertionError("fetchAll returned while the fetch of " + slow + " was still running (the test held it):"
                    + " a consumer was still at work, so the result was not complete yet. Join every consumer"
                    + " before returning.");
        }
        if (timed != null) {
            release.countDown();
            run.returns(Duration.ofSeconds(6)); // rethrows what fetchAll threw
            throw new AssertionError("The test held the fetch of " + slow + ", so a consumer was still fetching, and fetchAll"
                    + " waited with a time limit (" + timed + "), which gives up when the time is up though a consumer still"
                    + " works. Wait with join() without a limit, or close the consumers' executor (try-with-resources); a"
                    + " timed join (join(1000), join(Duration)), awaitTermination or any other wait with a time limit"
                    + " (wait(1000), a timed tryAcquire, ...), even in a loop, is not accepted.");
        }
        release.countDown();
        @SuppressWarnings("unchecked")
        Map<String, String> pages = (Map<String, String>) run.returns(Duration.ofSeconds(6));
        for (String url : urls) {
            if (!("page of " + url).equals(pages.get(url))) {
                throw new AssertionError("The fetch of " + slow + " took long, and the result has " + pages.get(url) + " for " + url
                        + ": read the pages only after every consumer has ended (join them all first).");
            }
        }
    }

    /**
     * 5 URLs, 3 consumers; the fetch of the last URL is held while this test judges how fetchAll waits for its
     * consumers ({@link Waiting#pollsOrSpins}: its CPU and states while the test works, whether it is in
     * Thread.sleep, how many waits it begins over at least 1.5 s); then it lets the fetch end. A fetchAll parked in
     * join() uses no CPU and begins no new wait; one that loops on isAlive() runs, or, with a sleep or a timed wait
     * in the loop, keeps waking up.
     */
    @Test
    @Property("waits-without-spinning")
    void waitsWithoutSpinning() {
        List<String> urls = urls(5);
        String slow = urls.get(4);
        CountDownLatch fetching = new CountDownLatch(1), release = new CountDownLatch(1);
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 3, url -> {
            if (url.equals(slow)) {
                fetching.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "page of " + url;
        }));
        try {
            if (fetching.await(5, TimeUnit.SECONDS)) run.parks(Duration.ofSeconds(1)); // settled (a spinning one never is: 1 s)
        } catch (AssertionError | UnsupportedOperationException | InterruptedException e) {
            // fetchAll returned or threw without waiting: returns() below and the other properties tell
        }
        String busy = Waiting.pollsOrSpins(run.thread());
        release.countDown();
        run.returns(Duration.ofSeconds(6));
        if (busy != null) {
            throw new AssertionError("While the fetch of " + slow + " was held, fetchAll's thread did not wait for its consumer: "
                    + busy + ". Wait for a consumer with join(), which sleeps until the thread ends, not with a loop on"
                    + " isAlive().");
        }
    }

    /**
     * Waits until {@code t} has ended or has been parked (WAITING or TIMED_WAITING) for 50 ms on end, as a pool's idle
     * worker is, or {@code limit} passes. (A consumer parks for a moment on the queue's lock as it takes its pill: that
     * is not the end of its work.)
     */
    static void endsOrParks(Thread t, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos(), parkedSince = -1;
        while (System.nanoTime() < deadline) {
            Thread.State s = t.getState();
            if (s == Thread.State.TERMINATED) return;
            if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) parkedSince = -1;
            else if (parkedSince < 0) parkedSince = System.nanoTime();
            else if (System.nanoTime() - parkedSince >= 50_000_000L) return;
            Thread.sleep(1); // a look every millisecond
        }
    }

    /** Waits until {@code run} returns, or waits (parked, not in Thread.sleep) for 50 ms on end, or {@code limit} passes. */
    static void waitsOrReturns(Waiting run, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos(), parkedSince = -1;
        while (!run.done() && System.nanoTime() < deadline) {
            Thread.State s = run.thread().getState();
            boolean parked = (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && !"Thread.sleep".equals(run.waitsIn());
            if (!parked) parkedSince = -1;
            else if (parkedSince < 0) parkedSince = System.nanoTime();
            else if (System.nanoTime() - parkedSince >= 50_000_000L) return;
            try {
                Thread.sleep(1); // a look every millisecond
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * A Downloader run by the test on a queue of its own: while the queue is empty it must wait, untimed (a
     * take(), not a poll with a timeout), and not end; then it fetches a URL and ends at its pill.
     */
    @Test
    @Property("stops-at-its-pill")
    void stopsAtItsPill() throws InterruptedException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(16);
        Map<String, String> pages = new ConcurrentHashMap<>();
        Thread consumer = Thread.ofPlatform().name("downloader-under-test").daemon()
                .start(new Downloader(queue, pages, url -> "page of " + url));
        long deadline = System.nanoTime() + 5_000_000_000L, parkedSince = -1;
        while (consumer.isAlive() && System.nanoTime() < deadline) {
            Thread.State s = consumer.getState();
            if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) parkedSince = -1;
            else if (parkedSince < 0) parkedSince = System.nanoTime();
            else if (System.nanoTime() - parkedSince >= 50_000_000L) break;
            Thread.sleep(1); // a look every millisecond
        }
        if (!consumer.isAlive()) {
            throw new AssertionError("A Downloader given an empty queue ended at once: a consumer waits for a URL or its"
                    + " pill as long as it takes (take()), and ends only at its pill.");
        }
        Thread.State state = consumer.getState();
        if (state != Thread.State.WAITING) {
            String at = Hang.doing(consumer);
            queue.offer(Downloader.POISON);
            throw new AssertionError("A Downloader given an empty queue " + (state == Thread.State.TIMED_WAITING
                    ? "waits with a time limit (" + at + "): a poll with a timeout stops a consumer when the producer is only slow."
                    + " Wait with take(), for as long as it takes, and stop at the pill."
                    : at + " instead of waiting in take().") );
        }
        queue.put("/goods/1/");
        queue.put(Downloader.POISON);
        // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
        if (!consumer.join(Duration.ofSeconds(5))) {
            throw new AssertionError("A Downloader given one URL and then its pill (Downloader.POISON) had not ended 5 s later;"
                    + " it " + Hang.doing(consumer).replaceFirst("^is ", "was ") + ". A consumer ends when it takes its pill"
                    + " (compared with ==), with no interrupt.");
        }
        if (!"page of /goods/1/".equals(pages.get("/goods/1/"))) {
            throw new AssertionError("A Downloader given one URL and then its pill left " + pages + " in the pages.");
        }
        if (pages.size() != 1) throw new AssertionError("A Downloader given one URL and then its pill left " + pages + ": the pill is no URL.");
        endsWhenInterrupted();
    }

    /** Part of the property above: a Downloader waiting in take() on an empty queue is interrupted, and must end. */
    static void endsWhenInterrupted() throws InterruptedException {
        BlockingQueue<String> empty = new ArrayBlockingQueue<>(16);
        Thread consumer = Thread.ofPlatform().name("downloader-interrupted").daemon()
                .start(new Downloader(empty, new ConcurrentHashMap<>(), url -> "page of " + url));
        endsOrParks(consumer, Duration.ofSeconds(5));
        consumer.interrupt();
        if (!consumer.join(Duration.ofSeconds(2))) {
            String doing = Hang.doing(consumer);
            empty.offer(Downloader.POISON);
            throw new AssertionError("A Downloader waiting in take() on an empty queue was interrupted, and 2 s later it "
                    + doing.replaceFirst("^is ", "was ") + ": it went on waiting. An interrupt asks a thread to stop (%threads"
                    + " stop and a pool's shutdownNow() send one): let the InterruptedException of take() end run(), after"
                    + " Thread.currentThread().interrupt() to keep the flag for whoever runs the thread.");
        }
    }

    /** 4 consumers, 8 URLs; each fetch waits at a barrier of 4, which gives up after 5 s. */
    @Test
    @Property("consumers-in-parallel")
    void consumersInParallel() {
        // 4, or 2 more than the processors: a pool of one thread per processor does not have them all
        int consumers = Math.max(4, Runtime.getRuntime().availableProcessors() + 2);
        CyclicBarrier barrier = new CyclicBarrier(consumers);
        long deadline = System.nanoTime() + 5_000_000_000L;
        AtomicInteger waiting = new AtomicInteger(), atGiveUp = new AtomicInteger(-1);
        fetchAll(urls(2 * consumers), consumers, url -> {
            waiting.incrementAndGet();
            try {
                barrier.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                atGiveUp.compareAndSet(-1, waiting.get());
            } catch (InterruptedException | BrokenBarrierException e) {
                // the barrier gave up
            } finally {
                waiting.decrementAndGet();
            }
            return "page";
        });
        if (barrier.isBroken()) {
            throw new AssertionError("With " + consumers + " consumers (on " + Runtime.getRuntime().availableProcessors()
                    + " processors), " + consumers + " fetches should run at the same time; after 5 s only " + atGiveUp.get()
                    + " were running at once. Start all the consumers before you wait for any, one thread each (not a pool"
                    + " of one thread per processor).");
        }
    }

    /**
     * 3 consumers, 10 URLs. Every thread that ran a fetch (a consumer, whatever runs it: a Thread, a pool's
     * thread) must have ended within 2 s after fetchAll returned, and no Downloader.run be left running. A pool
     * never shut down keeps its threads; consumers with no pill wait in take() for ever.
     */
    @Test
    @Property("consumers-stop")
    void consumersStop() throws InterruptedException {
        Set<Long> before = downloaderThreads(); // consumers left over by the other tests
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls(10), 3, url -> {
            ranOn.add(Thread.currentThread());
            return "page";
        }));
        run.returns(Duration.ofSeconds(6));
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread t : ranOn) {
            if (t == run.thread()) continue; // fetchAll's own thread, if it fetched too
            // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
            if (!t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                throw new AssertionError("A thread that ran a fetch (" + t.getName() + ") was still alive 2 s after fetchAll"
                        + " returned; it " + Hang.doing(t) + ". Every consumer thread ends before fetchAll returns:"
                        + " each consumer stops at its own poison pill, and a pool, if you use one, is shut down.");
            }
        }
        int left = newDownloaders(before, -1);
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            left = newDownloaders(before, -1);
        }
        if (left > 0) {
            throw new AssertionError(left + " of the 3 consumers still ran Downloader.run 2 s after fetchAll returned:"
                    + " each consumer stops only at its own poison pill.");
        }
    }
}
