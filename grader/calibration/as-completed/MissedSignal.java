// fails: no-lost-wakeup
// Its own completion signal: each done() adds to a queue and notifies a monitor, but the caller looks at the queue outside the monitor and then waits once, with no loop: a task that ends between the look and the wait is a lost wake-up, and forEach waits for the next task's end (or for ever).
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.*;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        Queue<Future<T>> finished = new ConcurrentLinkedQueue<>();
        Object signal = new Object();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                for (Callable<T> task : tasks) {
                    FutureTask<T> f = new FutureTask<>(task) {
                        @Override
                        protected void done() {            // on the pool's thread, as the task ends
                            finished.add(this);
                            synchronized (signal) { signal.notifyAll(); }
                        }
                    };
                    futures.add(f);
                    pool.execute(f);
                }
                for (int i = 0; i < tasks.size(); i++) {
                    if (finished.isEmpty()) {              // none done yet: wait for the next to end
                        synchronized (signal) { signal.wait(); }
                    }
                    each.accept(finished.remove().get());
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
