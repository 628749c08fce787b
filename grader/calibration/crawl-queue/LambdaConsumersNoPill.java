// fails: consumers-stop
// Its Downloader is right, but fetchAll starts consumers of its own with no pill (while (true) { take(); fetch; countDown(); }) and returns on latch.await(): they wait in take() for ever. (idle-consumers-end counts only threads in Downloader.run, so it does not see them.)
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
        CountDownLatch done = new CountDownLatch(urls.size());
        for (int i = 0; i < consumers; i++) {
            Thread.ofPlatform().start(() -> {
                try {
                    while (true) {                                                     // no pill: never ends
                        String url = queue.take();
                        pages.put(url, fetch.apply(url));
                        done.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (String url : urls) queue.put(url);
        done.await();
        return pages;
    }
}
