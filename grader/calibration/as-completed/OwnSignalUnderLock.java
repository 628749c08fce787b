// fails:
// A correct variant: its own completion signal (each FutureTask's done() adds it to a queue and notifies a monitor), and the caller looks for a finished task and waits under that monitor, in a loop: no task's end can slip between the look and the wait.
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        Queue<Future<T>> finished = new ArrayDeque<>(); // guarded by itself
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                for (Callable<T> task : tasks) {
                    FutureTask<T> f = new FutureTask<>(task) {
                        @Override
                        protected void done() { // on the pool's thread, as the task ends
                            synchronized (finished) {
                                finished.add(this);
                                finished.notifyAll();
                            }
                        }
                    };
                    futures.add(f);
                    pool.execute(f);
                }
                for (int i = 0; i < tasks.size(); i++) {
                    Future<T> next;
                    synchronized (finished) {
                        while (finished.isEmpty()) finished.wait(); // looks and waits under the one lock
                        next = finished.remove();
                    }
                    each.accept(next.get());
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
