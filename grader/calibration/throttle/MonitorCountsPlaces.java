// fails:
// A correct variant without a Semaphore: counts free places under the throttle's monitor, waits in wait(1000) in a loop, and release's notifyAll wakes it at once (the time limit only adds a look once a second).
import java.util.concurrent.Callable;

/** Lets at most `limit` calls run at once; the others wait for a place. */
class Throttle {
    private int free;

    Throttle(int limit) {
        free = limit;
    }

    /** Runs task when a place is free, and gives the place back when it ends, however it ends. */
    <T> T call(Callable<T> task) throws Exception {
        synchronized (this) {
            while (free == 0) {
                wait(1000); // a freed place notifies: the time limit is a spare look, not the way in
            }
            free--;
        }
        try {
            return task.call();
        } finally {
            synchronized (this) {
                free++;
                notifyAll();
            }
        }
    }
}
