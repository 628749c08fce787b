// fails:
// A correct variant: each FutureTask's done() puts it on a queue of the solution's own, and the caller waits in that queue's poll(1, SECONDS) in a loop: parked where a task's end wakes it, looking again once a second.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        BlockingQueue<Future<T>> finished = new LinkedBlockingQueue<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                for (Callable<T> task : tasks) {
                    FutureTask<T> f = new FutureTask<>(task) {
                        @Override
                        protected void done() {
                            finished.add(this);
                        }
                    };
                    futures.add(f);
                    pool.execute(f);
                }
                for (int i = 0; i < tasks.size(); i++) {
                    Future<T> next;
                    while ((next = finished.poll(1, TimeUnit.SECONDS)) == null) {} // woken by a task's end
                    each.accept(next.get());
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
