package conclab.coro;

import conclab.io.EventLoop;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Many coroutines on one thread: each task is a {@link Generator} that yields requests to the scheduler (David
 * Beazley's "system calls"), and the scheduler carries each out on an {@link EventLoop} and resumes the task with
 * the answer. A task waits for a channel or a timer without holding a thread; the loop's one thread waits for all
 * of them in one {@code select}.
 *
 * <pre>{@code
 * var scheduler = new Scheduler();
 * scheduler.spawn("hello", y -> {
 *     y.yield(new Scheduler.Sleep(Duration.ofMillis(100)));   // a system call, yielded
 *     Scheduler.sleep(Duration.ofMillis(100));                // the same, from any method the task calls
 *     return "done";
 * });
 * scheduler.run();                                            // until every task has finished
 * }</pre>
 *
 * <p>The requests ({@link Call}): {@link Pause} (let the others run), {@link Sleep}, {@link Spawn} (start a task;
 * the answer is its {@link Task}), {@link Join} (wait for a task; the answer is its result, or its failure is thrown
 * at the yield), {@link Readable} and {@link Writable} (wait until a channel is ready, as {@code select(2)} means it:
 * a listening channel is readable when a connection can be accepted, a connecting channel writable when its
 * connect has ended). A yielded {@code null} is a {@link Pause}. The static methods {@link #sleep}, {@link #pause},
 * {@link #join}, {@link #readable}, {@link #writable} and {@link #current} make the same requests for the task
 * running on the calling thread, so that a method deep inside a task can wait: the task's generator is stackful.
 *
 * <p>Failures: a task whose body throws an exception ends, and its tasks waiting in {@link Join} get the exception
 * thrown at their yield; if none waits for it, it is reported to the error handler ({@link #onError}; by default,
 * the task's name and the exception's stack trace on standard error). The other tasks go on. An {@link Error} (a
 * {@code GeneratorExit} a body throws itself, an {@code OutOfMemoryError}, the course kernel's stop) is never
 * swallowed: it ends {@link #run}.
 *
 * <p>Threads: the tasks run on the thread that calls {@link #run}, one at a time, so the state they share needs no
 * lock; a task gives the thread up only where it yields. {@link #spawn}, {@link Task#cancel} and {@link #stop} may
 * be called from any thread (they are handed to the loop). Everything else of a scheduler and its tasks is touched
 * by the loop's thread only.
 */
public final class Scheduler implements AutoCloseable {
    /** A request a task yields to its scheduler; the answer is the value its yield returns. */
    public sealed interface Call permits Pause, Sleep, Spawn, Join, Readable, Writable {}

    /** Lets the other ready tasks run first; the answer is null. */
    public record Pause() implements Call {}

    /** Resumes the task after {@code duration}, not earlier; the answer is null. */
    public record Sleep(Duration duration) implements Call {}

    /** Starts a new task; the answer is its {@link Task}. */
    public record Spawn(String name, Generator.Body<Call, Object, ?> body) implements Call {}

    /** Waits until {@code task} has ended; the answer is what it returned, or what it threw is thrown at the yield. */
    public record Join(Task task) implements Call {}

    /** Waits until {@code channel} can be read without blocking (or, for a server channel, accepted from). */
    public record Readable(SelectableChannel channel) implements Call {}

    /** Waits until {@code channel} can be written without blocking (or, if it is connecting, has connected). */
    public record Writable(SelectableChannel channel) implements Call {}

    /** The task running on this thread, if any: what the static requests yield through. */
    private static final ThreadLocal<Task> RUNNING = new ThreadLocal<>();

    private final EventLoop loop;
    /** Whether this scheduler made its loop (and so closes it). */
    private final boolean ownsLoop;
    /** Every task started and not yet ended, in the order spawned. */
    private final Set<Task> unfinished = new LinkedHashSet<>();
    /** The task waiting to read (or accept from) each channel, and to write to (or finish connecting) each. */
    private final Map<SelectableChannel, Task> readers = new HashMap<>(), writers = new HashMap<>();
    /** Set by {@link #close}: tasks spawned from now on are cancelled instead of started. */
    private volatile boolean closing;
    /** Tasks waiting for a channel or a timer, now. */
    private int waiting;
    /** The most tasks that were waiting at once. */
    private int mostWaiting;
    /** How many times a task was resumed. */
    private long steps;
    /** Numbers the tasks in the order they are spawned; any thread. */
    private final AtomicLong ids = new AtomicLong();
    /** Where failures nobody joins are reported. */
    private volatile BiConsumer<Task, Exception> errors = (task, e) -> {
        System.err.println("conclab.coro.Scheduler: " + task + " failed:");
        e.printStackTrace();
    };

    /** A scheduler on an event loop of its own (closed by {@link #close}). */
    public Scheduler() throws IOException {
        this(new EventLoop(), true);
    }

    /** A scheduler on {@code loop}, which it shares with whatever else uses the loop. */
    public Scheduler(EventLoop loop) {
        this(loop, false);
    }

    private Scheduler(EventLoop loop, boolean ownsLoop) {
        this.loop = loop;
        this.ownsLoop = ownsLoop;
    }

    /** The event loop the tasks' waits are served by. */
    public EventLoop loop() {
        return loop;
    }

    // ---------------------------------------------------------------- tasks

    /** A task: a generator driven by the scheduler, and how it ended. */
    public final class Task {
        private final long id = ids.incrementAndGet();
        private final String name;
        private final Generator<Call, Object, ?> generator;
        /** The task's yielder, for the static requests; set when its body starts. */
        private Yielder<Call, Object> yielder;
        /** Undoes what the task waits for (a timer, a watched channel), or null when it waits for nothing. */
        private Runnable unwait;
        /** Tasks waiting for this one to end. */
        private final List<Task> joiners = new ArrayList<>(1);
        private boolean done;
        private Object result;
        private Throwable failure;

        private Task(String name, Generator.Body<Call, Object, ?> body) {
            this.name = name;
            this.generator = Generator.of(y -> {
                yielder = y;
                return body.run(y);
            });
        }

        public String name() {
            return name;
        }

        /** Whether the task has ended: returned, failed, or was cancelled. On the loop's thread, or after run returns. */
        public boolean isDone() {
            return done;
        }

        /** What the task returned; null until then. */
        public Object result() {
            return result;
        }

        /** What ended the task if it failed or was cancelled; null otherwise. */
        public Throwable failure() {
            return failure;
        }

        /** Where the task's generator is (created, running, suspended, closed). */
        public Generator.State state() {
            return generator.state();
        }

        /**
         * Ends the task if it has not ended: what it waits for is dropped, its generator is closed (its
         * {@code finally} blocks run), and tasks joining it get a {@link CancellationException}. From any thread: it
         * happens on the loop, soon (a task that cancels itself ends at its next yield).
         */
        public void cancel() {
            loop.callSoon(() -> cancelNow(this));
        }

        @Override
        public String toString() {
            return "task " + id + " '" + name + "'";
        }
    }

    /**
     * Starts a task running {@code body}: its first step runs on the loop soon, after the tasks ready now. From any
     * thread, before {@link #run} or while it runs; from a task, {@code y.yield(new Spawn(...))} does the same.
     */
    public Task spawn(String name, Generator.Body<Call, Object, ?> body) {
        Task task = new Task(name, body);
        loop.callSoon(() -> {
            unfinished.add(task);
            if (closing) cancelNow(task);
            else step(task, null);
        });
        return task;
    }

    /**
     * Runs the tasks on the calling thread until none can go on: every task has ended, or those left wait for
     * something that cannot come (see {@link #unfinished}), or {@link #stop} was called. An {@link Error} from a task
     * ends it at once.
     */
    public void run() {
        loop.run();
    }

    /** Makes {@link #run} return soon; the tasks stay where they are, and a later {@code run} goes on. Any thread. */
    public void stop() {
        loop.stop();
    }

    /** Sets where the failures of tasks nobody joins are reported (default: standard error). */
    public void onError(BiConsumer<Task, Exception> handler) {
        errors = handler;
    }

    /** The tasks that have not ended, in the order they were spawned. The loop's thread, or when not running. */
    public List<Task> unfinished() {
        return List.copyOf(unfinished);
    }

    /** How many tasks wait for a channel or a timer now. The loop's thread, or when not running. */
    public int waiting() {
        return waiting;
    }

    /** The most tasks that waited for a channel or a timer at once. The loop's thread, or when not running. */
    public int mostWaiting() {
        return mostWaiting;
    }

    /** How many times a task was resumed (a step: from one yield to the next). */
    public long steps() {
        return steps;
    }

    /**
     * Cancels every task not ended (their {@code finally} blocks run), then closes the loop if the scheduler made it.
     * Call it when the scheduler is not running: on the thread that ran it, or on any thread once {@link #run} has
     * returned. The cancelled tasks' last steps run on the calling thread.
     *
     * @throws IllegalStateException if {@link #run} is running, on this thread (a task called it) or another one;
     *     nothing is cancelled then: {@link #stop} the scheduler, wait until run returns, then close it
     */
    @Override
    public void close() {
        Thread running = loop.runner();
        if (running != null) {
            throw new IllegalStateException("close() while run() runs on " + running
                    + (running == Thread.currentThread() ? " (this thread: a task called it)" : "")
                    + "; call stop(), wait for run() to return, then close()");
        }
        closing = true;
        loop.callSoon(() -> {
            for (Task task : List.copyOf(unfinished)) cancelNow(task);
        });
        loop.stop(); // a stop before run: run does one iteration, which runs the cancels queued
        loop.run();
        if (ownsLoop) loop.close();
    }

    // ---------------------------------------------------------------- the scheduler's loop: step, then serve the call

    /** What resumes a task with an exception thrown at its yield. */
    private record Thrown(Throwable error) {}

    /** Resumes {@code task} with {@code message} (an answer, or a {@link Thrown}) and serves the call it yields next. */
    private void step(Task task, Object message) {
        if (task.done) return; // cancelled while it was ready to run
        Call call;
        Task outer = RUNNING.get();
        RUNNING.set(task);
        steps++;
        try {
            call = message instanceof Thrown t ? task.generator.throwIn(t.error()) : task.generator.send(message);
        } catch (StopIteration e) {
            end(task, e.value(), null);
            return;
        } catch (Exception e) {
            end(task, null, e);
            return;
        } finally {
            RUNNING.set(outer);
        }
        serve(task, call);
    }

    /**
     * Ends {@code task} if it has not ended: what it waits for is dropped, its generator closed, its joiners get a
     * {@link CancellationException}. On the loop's thread.
     */
    private void cancelNow(Task task) {
        if (task.done) return;
        if (task.unwait != null) {
            task.unwait.run();
            task.unwait = null;
            waiting--;
        }
        CancellationException cancelled = new CancellationException(task + " was cancelled");
        try {
            task.generator.close();
        } catch (RuntimeException e) { // its finally threw, or it ignored GeneratorExit
            cancelled.addSuppressed(e);
        }
        end(task, null, cancelled);
    }

    /** Does what {@code call} asks for {@code task}; the task is resumed when it is done. */
    private void serve(Task task, Call call) {
        switch (call) {
            case null -> resumeSoon(task, null);
            case Pause p -> resumeSoon(task, null);
            case Sleep s -> {
                var timer = loop.callLater(s.duration(), () -> wake(task, null));
                waitFor(task, timer::cancel);
            }
            case Spawn s -> resumeSoon(task, spawn(s.name(), s.body()));
            case Join j -> {
                if (j.task().done) resumeSoon(task, outcome(j.task()));
                else j.task().joiners.add(task);
            }
            case Readable r -> watch(task, r.channel(), true);
            case Writable w -> watch(task, w.channel(), false);
        }
    }

    /** Waits for {@code channel} to be ready for reading (or accepting), or writing (or finishing its connect). */
    private void watch(Task task, SelectableChannel channel, boolean read) {
        if (!channel.isOpen()) {
            resumeSoon(task, new Thrown(new ClosedChannelException()));
            return;
        }
        Map<SelectableChannel, Task> waiters = read ? readers : writers;
        Task other = waiters.putIfAbsent(channel, task);
        if (other != null) { // the loop keeps one callback per channel and readiness: the first task would be lost
            resumeSoon(task, new Thrown(new IllegalStateException(other + " already waits to " + (read ? "read" : "write")
                    + " " + channel + ": two tasks cannot wait for the same channel the same way at once")));
            return;
        }
        WatchKind kind = read ? (channel instanceof ServerSocketChannel ? WatchKind.ACCEPT : WatchKind.READ)
                : (channel instanceof SocketChannel s && s.isConnectionPending() ? WatchKind.CONNECT : WatchKind.WRITE);
        Runnable unwatch = () -> {
            kind.watch(loop, channel, null);
            waiters.remove(channel);
        };
        kind.watch(loop, channel, () -> {
            unwatch.run();
            wake(task, null);
        });
        waitFor(task, unwatch);
    }

    /** The four kinds of readiness, and how the loop is asked to watch for each. */
    private enum WatchKind {
        READ, ACCEPT, WRITE, CONNECT;

        void watch(EventLoop loop, SelectableChannel channel, conclab.io.Callback callback) {
            switch (this) {
                case READ -> loop.onReadable(channel, callback);
                case ACCEPT -> loop.onAcceptable(channel, callback);
                case WRITE -> loop.onWritable(channel, callback);
                case CONNECT -> loop.onConnectable(channel, callback);
            }
        }
    }

    private void waitFor(Task task, Runnable unwait) {
        task.unwait = unwait;
        mostWaiting = Math.max(mostWaiting, ++waiting);
    }

    /** What {@code task} waited for has come: resume it. */
    private void wake(Task task, Object message) {
        task.unwait = null;
        waiting--;
        step(task, message);
    }

    private void resumeSoon(Task task, Object message) {
        loop.callSoon(() -> step(task, message));
    }

    /** The message that resumes a joiner of the ended {@code task}: its result, or its failure thrown. */
    private static Object outcome(Task task) {
        return task.failure != null ? new Thrown(task.failure) : task.result;
    }

    /** Records how {@code task} ended and resumes its joiners; reports a failure nobody joins. */
    private void end(Task task, Object result, Throwable failure) {
        task.done = true;
        task.result = result;
        task.failure = failure;
        unfinished.remove(task);
        boolean joined = task.joiners.stream().anyMatch(joiner -> !joiner.done);
        if (failure instanceof Exception e && !(e instanceof CancellationException) && !joined) {
            errors.accept(task, e);
        }
        for (Task joiner : task.joiners) resumeSoon(joiner, outcome(task));
        task.joiners.clear();
    }

    // ---------------------------------------------------------------- the requests, from any method of a task

    /** The task running on this thread. */
    public static Task current() {
        Task task = RUNNING.get();
        if (task == null) {
            throw new IllegalStateException("not in a task: Scheduler's static methods wait for the task running on the"
                    + " calling thread, and none runs here (call them from code a task runs)");
        }
        return task;
    }

    /** Makes {@code call} for the running task; returns the answer. */
    private static Object request(Call call) {
        return current().yielder.yield(call);
    }

    /** Suspends the running task for {@code duration}; the thread runs other tasks meanwhile. */
    public static void sleep(Duration duration) {
        request(new Sleep(duration));
    }

    /** Lets the other ready tasks run, then goes on. */
    public static void pause() {
        request(new Pause());
    }

    /** Waits until {@code task} has ended and returns its result, or throws what it threw (checked or not). */
    public static Object join(Task task) throws Exception {
        return request(new Join(task));
    }

    /**
     * Waits until {@code channel} can be read without blocking (a server channel: accepted from).
     *
     * @throws ClosedChannelException if the channel is closed
     */
    public static void readable(SelectableChannel channel) throws IOException {
        request(new Readable(channel));
    }

    /**
     * Waits until {@code channel} can be written without blocking (a connecting channel: has connected).
     *
     * @throws ClosedChannelException if the channel is closed
     */
    public static void writable(SelectableChannel channel) throws IOException {
        request(new Writable(channel));
    }
}
