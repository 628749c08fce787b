// fails: no-poll
// Loops over isDone() and pauses in await(1, SECONDS) on a private CountDownLatch that nothing counts down: it wakes once a second, too seldom for the wake count, but a result is handed on up to 1 s late.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        CountDownLatch tick = new CountDownLatch(1); // never counted down: an interruptible 1 s pause
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
                    if (!any) tick.await(1, TimeUnit.SECONDS); // nothing done: look again in 1 s
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
