// fails: no-lost-wakeup
// Its own completion signal on a ReentrantLock's Condition: each done() adds to a queue and signals under the lock, but the caller looks at the queue before it takes the lock and then awaits once, with no loop: a task that ends between the look and the await is a lost wake-up, and forEach waits for the next task's end (or for ever).
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        Queue<Future<T>> finished = new ConcurrentLinkedQueue<>();
        ReentrantLock lock = new ReentrantLock();
        Condition someDone = lock.newCondition();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                for (Callable<T> task : tasks) {
                    FutureTask<T> f = new FutureTask<>(task) {
                        @Override
                        protected void done() {
                            finished.add(this);
                            lock.lock();
                            try {
                                someDone.signalAll();
                            } finally {
                                lock.unlock();
                            }
                        }
                    };
                    futures.add(f);
                    pool.execute(f);
                }
                for (int i = 0; i < tasks.size(); i++) {
                    if (finished.isEmpty()) { // none done yet: wait for the next to end
                        lock.lock();
                        try {
                            someDone.await();
                        } finally {
                            lock.unlock();
                        }
                    }
                    each.accept(finished.remove().get());
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
