package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bookkeeping behind the hooks, called directly (as the woven JDK code calls it). */
class TaskOwnersTest {
    final List<Object[]> failures = new ArrayList<>();
    final TaskOwners tasks = new TaskOwners((cell, error) -> failures.add(new Object[] {cell, error}));
    final Cell a = new Cell(1, 10, 10), b = new Cell(2, 10, 10);

    @AfterEach
    void clear() {
        Cell.setCurrent(null);
    }

    @Test
    void aTaskRunsAsTheTaskOfTheCellThatSubmittedIt() {
        Runnable task = () -> { };
        Cell.setCurrent(a);
        tasks.submitted(null, task);
        Cell.setCurrent(b); // the worker's own cell, say
        Object token = tasks.enter(task);
        assertSame(a, Cell.current());
        assertTrue(a.runsATaskOn(Thread.currentThread()));
        tasks.exit(token);
        assertSame(b, Cell.current());
        assertFalse(a.runsATaskOn(Thread.currentThread()));
        assertNull(tasks.enter(task), "a one-shot task is forgotten once it ran");
    }

    @Test
    void recordTasksThatAreEqualAreStillTwoTasks() {
        record Job(int n) implements Runnable {
            public void run() { }
        }
        Job first = new Job(1), second = new Job(1);
        Cell.setCurrent(a);
        tasks.submitted(null, first);
        Cell.setCurrent(b);
        tasks.submitted(null, second);
        Cell.setCurrent(null);
        Object token = tasks.enter(second);
        assertSame(b, Cell.current());
        tasks.exit(token);
        token = tasks.enter(first);
        assertSame(a, Cell.current());
        tasks.exit(token);
    }

    @Test
    void nothingIsRecordedForThreadsOfNoCellAndNothingChangesForUnknownTasks() {
        Runnable task = () -> { };
        tasks.submitted(null, task);
        assertNull(tasks.enter(task));
        Cell.setCurrent(b);
        assertNull(tasks.enter(new Object()));
        assertSame(b, Cell.current());
    }

    @Test
    void tasksOfAStoppingCellAreSkippedAndTheirFuturesCancelled() {
        FutureTask<Integer> future = new FutureTask<>(() -> 1);
        Cell.setCurrent(a);
        tasks.submitted(null, future);
        assertFalse(tasks.skip(future));
        a.stopping = true;
        assertTrue(tasks.skip(future));
        assertTrue(future.isCancelled(), "whoever waits for it must learn it will not run");
    }

    @Test
    void aFailureIsReportedForTheTasksCell() {
        Cell.setCurrent(a);
        var error = new IllegalStateException("boom");
        tasks.failed(new Object(), error);
        assertSame(a, failures.getFirst()[0]);
        assertSame(error, failures.getFirst()[1]);
        tasks.failed(new Object(), new CellStopped(1));
        assertEquals(1, failures.size(), "a stopped task is not a failure");
    }

    @Test
    void threadsStartedInACellAreItsUnlessTheJdkOwnsThem() throws Exception {
        Cell.setCurrent(a);
        Thread mine = Thread.ofPlatform().unstarted(() -> { });
        tasks.starting(mine);
        assertTrue(a.liveThreads().isEmpty(), "not alive yet");
        Thread worker = CompletableFuture.supplyAsync(Thread::currentThread, ForkJoinPool.commonPool()).get();
        assertTrue(TaskOwners.isJdkThread(worker), worker.toString());
        assertFalse(TaskOwners.isJdkThread(mine));
        tasks.starting(worker);
        assertFalse(a.liveThreads().contains(worker));
    }
}
