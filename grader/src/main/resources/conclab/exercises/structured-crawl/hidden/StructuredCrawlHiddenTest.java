import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import conclab.web.WebServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import jdk.management.VirtualThreadSchedulerMXBean;
import org.junit.jupiter.api.Test;

/** Hidden tests of the structured-crawl exercise: run when grading only. */
class StructuredCrawlHiddenTest {
    @Test
    @Property("seen-set-thread-safe")
    void seenSetThreadSafe() {
        AtomicInteger made = new AtomicInteger();
        StructuredCrawlTest.Recorder rec = new StructuredCrawlTest.Recorder();
        Crawler counting = new Crawler(2, rec) {
            @Override
            Set<String> newSeenSet() {
                made.incrementAndGet();
                return super.newSeenSet();
            }
        };
        try (WebServer shop = WebServer.builder().pages(5).start()) {
            StructuredCrawlTest.crawl(counting, shop.url(), rec);
        }
        if (made.get() == 0) throw new AssertionError("crawl did not make its set of seen URLs with newSeenSet().");
        // The JDK's sets that are not safe for many threads fail by their class, whatever the race below shows: on
        // a busy machine (a load average of 21 at one processor) 8 threads adding to a HashSet did not overlap enough
        // in the rounds the budget allowed, and it passed. A subclass of one (with synchronized methods) is raced.
        Class<?> kind = counting.newSeenSet().getClass();
        if (kind == java.util.HashSet.class || kind == java.util.LinkedHashSet.class || kind == java.util.TreeSet.class) {
            throw new AssertionError("newSeenSet() returns a " + kind.getName() + ", which is not safe for many threads:"
                    + " the crawl's subtasks add to it at the same time, on several carriers, so two may both find a URL"
                    + " new, or break the set. Return ConcurrentHashMap.newKeySet(), or a set made safe as a whole"
                    + " (Collections.synchronizedSet).");
        }
        int urls = 2_000; // small enough for a CopyOnWriteArraySet (safe, but each add copies the whole set)
        String[] url = new String[urls];
        for (int i = 0; i < urls; i++) url[i] = "http://127.0.0.1/goods/" + i + "/";
        Stress.repeat(100, Duration.ofSeconds(3), round -> {
            Set<String> seen = counting.newSeenSet();
            AtomicIntegerArray added = new AtomicIntegerArray(urls);
            Stress.together("8 threads adding the same 2,000 URLs to a set from newSeenSet()", 8, Duration.ofSeconds(5),
                    t -> {
                        for (int i = 0; i < urls; i++) if (seen.add(url[i])) added.incrementAndGet(i);
                    });
            for (int i = 0; i < urls; i++) {
                if (added.get(i) != 1) {
                    return "8 threads added the same 2,000 URLs to a set from newSeenSet() at the same time, and add"
                            + " returned true for " + url[i] + " to " + added.get(i) + " threads: the set must be safe for"
                            + " many threads by itself, as the crawl's subtasks all use it";
                }
            }
            return seen.size() == urls ? null : "8 threads added the same 2,000 URLs to a set from newSeenSet(), which"
                    + " then held " + seen.size() + ": the set must be safe for many threads by itself";
        });
    }

    /**
     * A made-up site of {@link #SITE} pages, fetched with no delay: page i links to pages 8i+1 to 8i+8 (those
     * that exist) and back to page i/2, so thousands of subtasks record their pages within a few milliseconds.
     */
    static final int SITE = 5_000;

    static List<String> siteLinks(String url) {
        int i = Integer.parseInt(url.substring("/p/".length()));
        List<String> links = new ArrayList<>();
        for (int c = 8 * i + 1; c <= 8 * i + 8 && c < SITE; c++) links.add("/p/" + c);
        links.add("/p/" + i / 2);
        return links;
    }

    @Test
    @Property("results-thread-safe")
    @SuppressWarnings("unchecked")
    void resultsThreadSafe() {
        var scheduler = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
        int parallelism = scheduler.getParallelism();
        // At least 8 carriers, whatever the processors: with one, virtual threads take turns and never race; with
        // more carriers than cores, a carrier is also stopped by the operating system in the middle of a put.
        scheduler.setParallelism(Math.max(8, parallelism));
        try {
            Stress.repeat(40, Duration.ofSeconds(8), round -> {
                Crawler crawler = new Crawler(64, StructuredCrawlHiddenTest::siteLinks);
                Waiting w = Waiting.start("crawl", () -> ScopedValue.where(StructuredCrawlTest.CRAWL, "crawl")
                        .call(() -> crawler.crawl("/p/0")));
                Map<String, String> pages;
                try {
                    pages = (Map<String, String>) w.returns(Duration.ofSeconds(10));
                } catch (AssertionError e) {
                    if (e.getCause() == null) StructuredCrawlTest.unspin(crawler);
                    throw new AssertionError("A crawl of a made-up site of 5,000 pages that come at once, with a"
                            + " limit of 64: " + e.getMessage(), e.getCause());
                }
                int ok = 0;
                if (pages != null) for (int i = 0; i < SITE; i++) if ("ok".equals(pages.get("/p/" + i))) ok++;
                if (pages == null || pages.size() != SITE || ok != SITE) {
                    return "A crawl of a made-up site of 5,000 pages that come at once, with a limit of 64, on "
                            + scheduler.getParallelism() + " carriers, returned " + (pages == null ? "null" : pages.size()
                            + " entries, " + ok + " of them \"ok\" for a page of the site") + ": the map of results is"
                            + " written by many subtasks at once, on several carriers, so it must be safe for many threads"
                            + " (a ConcurrentHashMap), as the seen set is";
                }
                return null;
            });
        } finally {
            scheduler.setParallelism(parallelism);
        }
    }

    @Test
    @Property("cancellable")
    void cancellable() throws InterruptedException {
        StructuredCrawlTest.Recorder rec = new StructuredCrawlTest.Recorder();
        Crawler crawler = new Crawler(2, rec);
        CountDownLatch release = new CountDownLatch(1);
        try (WebServer shop = WebServer.builder().onRequest(page -> {
            if (page < 1) return;
            try {
                release.await(10, TimeUnit.SECONDS); // every goods page waits, until the crawl has been interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).start()) {
            Waiting w = Waiting.start("crawl", () -> ScopedValue.where(StructuredCrawlTest.CRAWL, "crawl")
                    .call(() -> crawler.crawl(shop.url())));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (shop.inFlight() < 2 && System.nanoTime() < deadline && !w.done()) Thread.sleep(1);
            if (shop.inFlight() < 2) {
                release.countDown();
                throw new AssertionError("With a limit of 2 and 20 pages to fetch, the shop never had 2 requests in"
                        + " flight at once: the crawl cannot be interrupted in the middle.");
            }
            Thread.sleep(300); // the other 18 subtasks are waiting for a permit by now
            w.thread().interrupt();
            Throwable thrown;
            try {
                w.returns(Duration.ofSeconds(3));
                thrown = null;
            } catch (AssertionError e) {
                if (e.getCause() == null) {
                    throw new AssertionError("The thread that called crawl was interrupted in the middle of the crawl,"
                            + " and crawl " + e.getMessage().replaceFirst("^crawl ", "") + " Let join throw, and let the"
                            + " scope's close cancel the subtasks.");
                }
                thrown = e.getCause();
            }
            if (!(thrown instanceof InterruptedException)) {
                throw new AssertionError("The thread that called crawl was interrupted in the middle of the crawl, and"
                        + " crawl " + (thrown == null ? "returned normally" : "threw " + thrown)
                        + ": it should throw InterruptedException.", thrown);
            }
            for (Thread t : rec.threads) {
                // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
                if (!t.join(Duration.ofMillis(500))) {
                    throw new AssertionError("crawl threw InterruptedException, but a thread that was fetching a page"
                            + " was still alive: " + t + " (" + t.getState() + ").");
                }
            }
            // A subtask that waited in acquire() throws when cancelled. Only one that got a permit in the instant
            // between acquire's return and its interrupt can begin a fetch interrupted: rarely more than one per
            // permit (each needs an interrupt to land in a window of microseconds).
            if (rec.enteredInterrupted.size() > 2) {
                throw new AssertionError("crawl was interrupted while 18 subtasks waited for a permit (limit 2), and "
                        + rec.enteredInterrupted.size() + " of them then began a fetch on a thread already interrupted ("
                        + String.join(", ", rec.enteredInterrupted.subList(0, Math.min(5, rec.enteredInterrupted.size())))
                        + (rec.enteredInterrupted.size() > 5 ? ", ..." : "") + "): a cancelled subtask should not fetch. Wait"
                        + " with acquire(), which throws InterruptedException when the scope cancels the subtask, not"
                        + " acquireUninterruptibly() or a loop that ignores the interrupt.");
            }
        } finally {
            release.countDown();
        }
        rec.again();
        StructuredCrawlTest.checkLimit(crawler, rec, 2, "Crawling again with the same crawler (limit 2) after a crawl was"
                + " interrupted while fetches waited for permits", "An interrupted acquire takes no permit, so it must"
                + " give none back: acquire before the try whose finally releases. " + StructuredCrawlTest.TAKE,
                "A fetch that was interrupted must give its permit back. " + StructuredCrawlTest.SPREAD);
    }
}
