// fails: no-poll
// Loops over isDone() and pauses in poll(500 ms) on a private LinkedBlockingQueue that nothing fills: a timed wait that no task's end cuts short, so a result is handed on up to 500 ms late.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        BlockingQueue<Object> tick = new LinkedBlockingQueue<>(); // nothing is ever put: an interruptible 500 ms pause
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
                    if (!any) tick.poll(500, TimeUnit.MILLISECONDS); // nothing done: look again in 500 ms
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
