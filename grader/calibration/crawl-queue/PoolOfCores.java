// fails: consumers-in-parallel
// Runs the Downloaders on a pool of min(consumers, availableProcessors()) threads ("no more threads than cores"): fewer consumers fetch at once than asked whenever there are fewer processors than consumers (the check asks for 2 more than the processors).
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** A consumer: takes URLs from the queue and fetches them, until it takes the poison pill. */
class Downloader implements Runnable {
    static final String POISON = new String("stop"); // an object of its own, compared with ==: no URL is it, not even "stop"

    private final BlockingQueue<String> queue;
    private final Map<String, String> pages;
    private final Function<String, String> fetch;

    Downloader(BlockingQueue<String> queue, Map<String, String> pages, Function<String, String> fetch) {
        this.queue = queue;
        this.pages = pages;
        this.fetch = fetch;
    }

    @Override
    public void run() {
        try {
            for (String url = queue.take(); url != POISON; url = queue.take()) pages.put(url, fetch.apply(url));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

class Crawl {
    /**
     * Fetches every URL with {@code consumers} Downloader threads fed by one queue of 16 places; returns
     * when all is fetched and every consumer has stopped.
     */
    static Map<String, String> fetchAll(List<String> urls, int consumers, Function<String, String> fetch)
            throws InterruptedException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(16);
        Map<String, String> pages = new ConcurrentHashMap<>();
        int threads = Math.min(consumers, Runtime.getRuntime().availableProcessors()); // no more threads than cores
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {  // close() waits for the Downloaders
            for (int i = 0; i < consumers; i++) pool.execute(new Downloader(queue, pages, fetch));
            for (String url : urls) queue.put(url);                              // blocks while the queue is full
            for (int i = 0; i < consumers; i++) queue.put(Downloader.POISON);   // one pill per consumer, after the work
        }
        return pages;
    }
}
