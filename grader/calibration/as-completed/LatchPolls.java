// fails: no-poll
// Loops over isDone() and pauses in a 400 ms await on a private CountDownLatch that nothing counts down: a timed wait in java.util.concurrent that no task's end cuts short, so a result is handed on up to 400 ms late.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        CountDownLatch tick = new CountDownLatch(1); // never counted down: an interruptible 400 ms pause
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
                    if (!any) tick.await(400, TimeUnit.MILLISECONDS); // nothing done: look again in 400 ms
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
