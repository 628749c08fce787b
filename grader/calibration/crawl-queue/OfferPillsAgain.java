// fails: more-urls-than-the-queue-holds
// The pills go in with offer() in a loop that tries again until it succeeds: nothing is lost, but while the queue is full fetchAll spins on a core instead of waiting in put.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
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
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            threads.add(Thread.ofPlatform().name("downloader-", i).start(new Downloader(queue, pages, fetch)));
        }
        for (String url : urls) queue.put(url);                                  // blocks while the queue is full
        for (int i = 0; i < consumers; i++) {
            while (!queue.offer(Downloader.POISON)) Thread.onSpinWait();       // tries again until there is room
        }
        for (Thread t : threads) t.join();
        return pages;
    }
}
