// fails:
// A correct variant: holds its lock (a ReentrantLock) while it submits the tasks and until it waits on its Condition, in a loop; each task's done() takes the lock to add itself to a queue and signal, so a task that ends early waits for the caller's await to let go of the lock.
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
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        ReentrantLock lock = new ReentrantLock();
        Condition someDone = lock.newCondition();
        Queue<Future<T>> finished = new ArrayDeque<>(); // guarded by lock
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                lock.lock();
                try {
                    for (Callable<T> task : tasks) {
                        FutureTask<T> f = new FutureTask<>(task) {
                            @Override
                            protected void done() {
                                lock.lock();
                                try {
                                    finished.add(this);
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
                        while (finished.isEmpty()) someDone.await(); // the lock held since the tasks were submitted
                        Future<T> next = finished.remove();
                        lock.unlock(); // the consumer runs without the lock
                        try {
                            each.accept(next.get());
                        } finally {
                            lock.lock();
                        }
                    }
                } finally {
                    lock.unlock();
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
