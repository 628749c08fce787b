// fails: consumers-stop
// Runs the Downloaders on Executors.newFixedThreadPool(consumers) and waits with future.get(), but never shuts the pool down: its threads wait for work for ever.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    static Map<String, String> fetchAll(List<String> urls, int consumers, Function<String, String> fetch)
            throws InterruptedException {
        BlockingQueue<String> queue = new ArrayBlockingQueue<>(16);
        Map<String, String> pages = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(consumers);                 // never shut down
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < consumers; i++) futures.add(pool.submit(new Downloader(queue, pages, fetch)));
        for (String url : urls) queue.put(url);
        for (int i = 0; i < consumers; i++) queue.put(Downloader.POISON);
        try {
            for (Future<?> f : futures) f.get();
        } catch (ExecutionException e) {
            throw new RuntimeException(e.getCause());
        }
        return pages;
    }
}
