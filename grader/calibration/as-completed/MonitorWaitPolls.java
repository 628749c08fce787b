// fails: no-poll
// Loops over the futures asking isDone(), and waits 400 ms in Object.wait on a monitor nobody notifies when none is: it wakes up only a few times a second, but nothing wakes it when a task is done, so it hands a result on up to 400 ms late.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                for (Callable<T> task : tasks) futures.add(pool.submit(task));
                List<Future<T>> pending = new ArrayList<>(futures);
                while (!pending.isEmpty()) {
                    boolean any = false;
                    for (Iterator<Future<T>> it = pending.iterator(); it.hasNext(); ) {
                        Future<T> f = it.next();
                        if (f.isDone()) {
                            it.remove();
                            any = true;
                            each.accept(f.get());
                        }
                    }
                    if (!any) {
                        synchronized (futures) {
                            futures.wait(400); // nobody notifies: no task's end knows this monitor
                        }
                    }
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
