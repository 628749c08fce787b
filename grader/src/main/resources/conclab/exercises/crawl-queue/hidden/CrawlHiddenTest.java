import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hidden tests of the crawl-queue exercise: run when grading only. */
class CrawlHiddenTest {
    @Test
    @Property("more-urls-than-the-queue-holds")
    void moreUrlsThanTheQueueHolds() throws InterruptedException {
        Map<String, String> pages = CrawlTest.fetchAll(CrawlTest.urls(200), 2, url -> "page of " + url);
        if (pages.size() != 200) throw new AssertionError("200 URLs gave " + pages.size() + " pages.");
        // Again, with every fetch held: both consumers are busy with their first URL, so once 16 more are queued,
        // the queue is full and fetchAll must wait in put. With a bigger queue it would have queued more (all 200, if
        // it holds them) first. The list counts how far fetchAll has read it: read, put, read, put... so when put
        // waits, it has put all it read but the last, and the consumers have taken 2 of those.
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetching = new AtomicInteger();
        ReadCountingList urls = new ReadCountingList(CrawlTest.urls(200));
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 2, url -> {
            fetching.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "page of " + url;
        }));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (fetching.get() < 2 && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait(); // both consumers busy
        boolean parked = run.parks(Duration.ofSeconds(5)), ended = run.done();
        StackTraceElement[] stack = run.thread().getStackTrace();
        int read = urls.read(), busy = fetching.get();
        release.countDown();
        run.returns(Duration.ofSeconds(10)); // rethrows what fetchAll threw
        if (!parked && !ended) {
            throw new AssertionError("With 200 URLs and both consumers busy with their first one, fetchAll neither waited"
                    + " nor returned for 5 s: it kept running while the queue was full (offer in a loop, say), burning a"
                    + " core for nothing. Use put, which waits, without the CPU, until there is room.");
        }
        if (parked && !inPut(stack)) {
            String at = conclab.grader.probe.Evidence.where(stack);
            throw new AssertionError("With 200 URLs and both consumers busy with their first one, fetchAll did not wait"
                    + " for room in the queue: it went on to " + (at == null ? "wait elsewhere" : at) + ", so the queue"
                    + " took more URLs than the 16 it may hold. Make the queue hold 16 (new ArrayBlockingQueue<>(16)):"
                    + " put then waits while it is full, and the memory fetchAll uses stays bounded.");
        }
        // A fetchAll that copied the list first read it all at once: how many were queued cannot be told then.
        int queued = read - 1 - busy;
        if (parked && busy == 2 && read < 200 && queued != 16) {
            throw new AssertionError("With both consumers busy with their first URL, fetchAll waited in put with " + queued
                    + " URLs in the queue (it had read " + read + " of the 200 and put all but the last): the queue holds "
                    + queued + ", not 16. Make it new ArrayBlockingQueue<>(16).");
        }
        pillsWaitForRoom();
    }

    /**
     * 18 URLs, 2 consumers held in their first fetch: the other 16 fill the queue, and the first pill finds it full.
     * fetchAll must wait in put for room. add throws ("Queue full"), and offer drops the pill, so that a consumer never
     * ends and fetchAll waits in join instead. Ordered by the held fetches: no timing decides it.
     */
    static void pillsWaitForRoom() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetching = new AtomicInteger();
        ReadCountingList urls = new ReadCountingList(CrawlTest.urls(18));
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 2, url -> {
            fetching.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "page of " + url;
        }));
        String what = "With 18 URLs and 2 consumers, each held in the fetch of its first URL, the other 16 filled the queue"
                + " and fetchAll had the pills to put";
        boolean parked, early;
        StackTraceElement[] stack;
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((fetching.get() < 2 || urls.read() < 18) && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait();
            parked = !run.done() && run.parks(Duration.ofSeconds(5));
            stack = run.thread().getStackTrace();
            early = run.done(); // looked at before the fetches are let go: after, fetchAll may rightly return at once
        } finally {
            release.countDown();
        }
        if (early) {
            run.returns(Duration.ZERO); // rethrows what fetchAll threw
            throw new AssertionError(what + ", and it returned while the fetches were still held.");
        }
        if (!parked) {
            String at = conclab.grader.probe.Evidence.where(stack);
            throw new AssertionError(what + ": it did not wait for room for the first pill, it ran for 5 s"
                    + (at == null ? "" : " (in " + at + ")") + ". Put the pills with put, as the URLs, which parks until a"
                    + " consumer takes from the queue; a loop that tries offer or add again keeps a core busy while it waits.");
        }
        if (!inPut(stack)) {
            String at = conclab.grader.probe.Evidence.where(stack);
            throw new AssertionError(what + ": it did not wait in put for room for the first pill (it waited "
                    + (at == null ? "elsewhere" : "in " + at) + "). Put the pills with put, as the URLs: add throws when the"
                    + " queue is full, and offer drops the pill, leaving a consumer that never ends.");
        }
        @SuppressWarnings("unchecked")
        Map<String, String> pages = (Map<String, String>) run.returns(Duration.ofSeconds(10));
        if (pages == null || pages.size() != 18) {
            throw new AssertionError(what + "; once the fetches were let go, it returned " + (pages == null ? "null" : pages.size()
                    + " pages") + ", not 18.");
        }
    }

    /**
     * A list that counts how far it has been read: the highest index asked for, plus one. Iterating it, streaming it
     * or copying it reads it through {@link #get}, one element at a time.
     */
    static final class ReadCountingList extends java.util.AbstractList<String> implements java.util.RandomAccess {
        private final List<String> elements;
        private final AtomicInteger read = new AtomicInteger();

        ReadCountingList(List<String> elements) {
            this.elements = List.copyOf(elements);
        }

        @Override
        public String get(int index) {
            read.accumulateAndGet(index + 1, Math::max);
            return elements.get(index);
        }

        @Override
        public int size() {
            return elements.size();
        }

        /** How many elements from the start have been read: the highest index asked for, plus one. */
        int read() {
            return read.get();
        }
    }

    /** Whether a queue's put is among the JDK frames on top of {@code stack}. */
    private static boolean inPut(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun."))) return false;
            if (e.getMethodName().equals("put") && c.startsWith("java.util.concurrent.") && c.endsWith("Queue")) return true;
        }
        return false;
    }

    /**
     * A URL that is the pill's text, "stop", written as a literal: Java interns literals, so it is the very
     * object a pill written as the literal "stop" would be, and equal to any pill of that text.
     */
    @Test
    @Property("a-url-like-the-pill")
    void aUrlLikeThePill() {
        List<String> urls = new ArrayList<>(CrawlTest.urls(10));
        urls.add(5, "stop");
        Map<String, String> pages = CrawlTest.fetchAll(urls, 2, url -> "page of " + url);
        List<String> missing = urls.stream().filter(url -> !url.equals("stop") && !("page of " + url).equals(pages.get(url))).toList();
        if (!missing.isEmpty()) { // a consumer that took "stop" for its pill leaves the other pages to the other consumer
            throw new AssertionError("Among 11 URLs, " + missing.size() + " other than \"stop\" (" + missing.get(0)
                    + (missing.size() > 1 ? ", ..." : "") + ") did not have their page in the result; the URL \"stop\" gave "
                    + pages.get("stop") + ".");
        }
        if (!"page of stop".equals(pages.get("stop"))) {
            throw new AssertionError("Among 11 URLs, the URL \"stop\" gave " + pages.get("stop") + ", not its page: a consumer"
                    + " took it for its pill. Compare with == against a pill that is an object of its own (new String(\"stop\")),"
                    + " which no URL can be.");
        }
        if (pages.size() != 11) throw new AssertionError("11 URLs gave " + pages.size() + " pages.");
    }

    /**
     * 6 URLs, 3 consumers; the fetch of the last URL is held until the test lets it go. Meanwhile every other URL
     * is fetched, and the pills, queued after the URLs, reach the 2 other consumers: they must end, each at its
     * pill. A fetchAll that stops its consumers otherwise (an interrupt once every page is in) keeps them waiting
     * in take() as long as the last fetch runs.
     */
    @Test
    @Property("idle-consumers-end")
    void idleConsumersEnd() throws InterruptedException {
        List<String> urls = CrawlTest.urls(6);
        String slow = urls.get(5);
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicBoolean inDownloader = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong slowThread = new java.util.concurrent.atomic.AtomicLong(-1);
        java.util.Set<Long> before = CrawlTest.downloaderThreads(); // consumers left over by the other tests
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 3, url -> {
            if (url.equals(slow)) {
                slowThread.set(Thread.currentThread().threadId());
                for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
                    if (f.getClassName().equals("Downloader") && f.getMethodName().equals("run")) inDownloader.set(true);
                }
                started.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "page of " + url;
        }));
        try {
            // A fetchAll that never fetches the last URL fails other properties; there is nothing to see here. The
            // bound is generous: when it ran out after 5 s on a machine at a load of 50, this property passed a
            // solution whose idle consumers never end (calibration version OnePillForAll, 1 run in 20).
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!started.await(10, TimeUnit.MILLISECONDS) && !run.done() && System.nanoTime() < deadline) {
                // waits for the fetch of the last URL to begin
            }
            if (started.getCount() > 0) return;
            if (!inDownloader.get()) {
                throw new AssertionError("The URLs were fetched by threads that do not run Downloader.run: the consumers"
                        + " are to be Downloaders (each on a thread of its own, or run by a pool), each stopped by the pill"
                        + " it takes from the queue.");
            }
            int others = CrawlTest.newDownloaders(before, slowThread.get()); // this test's consumers but the slow one's
            deadline = System.nanoTime() + 5_000_000_000L;
            while (others > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10); // a look every 10 ms
                others = CrawlTest.newDownloaders(before, slowThread.get());
            }
            if (others > 0) {
                throw new AssertionError("3 consumers, 6 URLs, the fetch of the last one held: every other URL was fetched,"
                        + " yet 5 s later " + others + " of the other 2 consumers still ran Downloader.run, waiting for"
                        + " something other than their pills (which go into the queue right after the URLs, and reach them"
                        + " while the last fetch runs). Stop each consumer with its own pill, not with an interrupt once"
                        + " every page is in.");
            }
        } finally {
            release.countDown(); // whether fetchAll then returns is for the other properties to say
        }
    }

    /**
     * 9 URLs, one of them listed twice: each URL of the list is one fetch, so that one is fetched twice, every
     * other once; the result maps each URL to its page, so it has 8 pages. A fetchAll that puts each URL in the
     * queue once (through a Set) fetches it once; one that waits for a page per URL of the list (urls.size())
     * instead of joining its consumers never sees that many.
     */
    @Test
    @Property("a-url-twice")
    void aUrlTwice() {
        List<String> urls = new ArrayList<>(CrawlTest.urls(8));
        String twice = urls.get(2);
        urls.add(6, twice);
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, 3, url -> {
            calls.computeIfAbsent(url, k -> new AtomicInteger()).incrementAndGet();
            return "page of " + url;
        }));
        Map<?, ?> pages;
        try {
            pages = (Map<?, ?>) run.returns(Duration.ofSeconds(6));
        } catch (AssertionError e) {
            if (run.done()) throw e; // it threw: that is what to say
            throw new AssertionError("9 URLs, " + twice + " listed twice (8 different URLs, so 8 pages in the result): "
                    + e.getMessage() + " Does fetchAll wait for urls.size() pages? Join the consumers instead.", e);
        }
        int n = calls.containsKey(twice) ? calls.get(twice).get() : 0;
        if (n != 2) {
            throw new AssertionError("9 URLs, " + twice + " listed twice: it was fetched " + n + " time(s), not twice. Each URL"
                    + " of the list is put in the queue and fetched, a URL listed twice twice: fetchAll does not"
                    + " leave any out.");
        }
        for (String url : urls) {
            int k = calls.containsKey(url) ? calls.get(url).get() : 0;
            if (!url.equals(twice) && k != 1) throw new AssertionError("9 URLs, " + twice + " listed twice: " + url + " was fetched " + k + " times, not once.");
            if (!("page of " + url).equals(pages.get(url))) throw new AssertionError("9 URLs, " + twice + " listed twice: the result has " + pages.get(url) + " for " + url + ".");
        }
        if (pages.size() != 8) throw new AssertionError("9 URLs, " + twice + " listed twice (8 different ones): the result has " + pages.size() + " pages, not 8.");
    }
}
