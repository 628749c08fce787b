import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Runs fetchAll on a thread of its own and fails, saying where it waits, if it has not returned in 6 s. */
    @SuppressWarnings("unchecked")
    static Map<String, String> fetchAll(List<String> urls, int consumers, Function<String, String> fetch) {
        Waiting run = Waiting.start("fetchAll", () -> Crawl.fetchAll(urls, consumers, fetch));
        return (Map<String, String>) run.returns(Duration.ofSeconds(6));
    }

    @Test
    @Property("fetches-every-url")
    void fetchesEveryUrl() {
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
    }

    /** 4 consumers, 8 URLs; each fetch waits at a barrier of 4, which gives up after 5 s. */
    @Test
    @Property("consumers-in-parallel")
    void consumersInParallel() {
        CyclicBarrier barrier = new CyclicBarrier(4);
        long deadline = System.nanoTime() + 5_000_000_000L;
        AtomicInteger waiting = new AtomicInteger(), atGiveUp = new AtomicInteger(-1);
        fetchAll(urls(8), 4, url -> {
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
            throw new AssertionError("With 4 consumers, 4 fetches should run at the same time; after 5 s only "
                    + atGiveUp.get() + " were running at once. Start all the consumers before you wait for any.");
        }
    }

    @Test
    @Property("consumers-stop")
    void consumersStop() {
        int before = Hang.threadsIn("Downloader.run").size(); // consumers left over by the other tests
        fetchAll(urls(10), 3, url -> "page");
        long deadline = System.nanoTime() + 2_000_000_000L;
        int left = Hang.threadsIn("Downloader.run").size() - before;
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            left = Hang.threadsIn("Downloader.run").size() - before;
        }
        if (left > 0) {
            throw new AssertionError(left + " of the 3 consumers still ran Downloader.run 2 s after fetchAll returned:"
                    + " each consumer stops only at its own poison pill.");
        }
    }
}
