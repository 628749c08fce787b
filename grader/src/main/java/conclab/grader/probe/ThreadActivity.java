package conclab.grader.probe;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * What threads did while code under test ran, seen through JDK Flight Recorder events that no thread count
 * shows: the virtual threads started ({@code jdk.VirtualThreadStart}, which {@code ThreadMXBean} does not
 * count) and the socket reads, each with the thread that made it ({@code jdk.SocketRead} with threshold 0), on
 * platform and virtual threads alike.
 *
 * <p>Which reads JDK 25 records: {@code SocketChannel.read} (one buffer or several, blocking or not, and so
 * {@code Channels.newInputStream} and {@code FileChannel.transferFrom} over it), a channel's
 * {@code socket().getInputStream()}, and a {@code Socket}'s stream. Not recorded: reads of an
 * {@code AsynchronousSocketChannel}, and reads on the threads JFR leaves out (its own).
 *
 * <p>Use: {@link #start()} before the code runs, {@link #stop()} after it; {@code stop} returns only once
 * every event recorded so far has been delivered, so the lists are complete for the window, not sampled. With
 * threshold 0 every read is recorded, one that returns no bytes too (a non-blocking read with nothing there);
 * a read that throws (a reset connection) is not, and it returned no bytes.
 *
 * <p>Thread safety: events are delivered on the stream's own thread and kept in concurrent queues; the
 * lists {@code stop} returns are snapshots taken after delivery has ended.
 */
public final class ThreadActivity {
    /** A socket read: the thread that made it, the remote port of the connection it read from, the bytes it got. */
    public record Read(String thread, long threadId, boolean virtual, int remotePort, long bytesRead) {}

    /** A virtual thread that was started: its thread id. */
    public record Started(long threadId) {}

    private final RecordingStream stream = new RecordingStream();
    private final Queue<Read> reads = new ConcurrentLinkedQueue<>();
    private final Queue<Started> started = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

    private ThreadActivity() {
        stream.enable("jdk.SocketRead").withThreshold(Duration.ZERO);
        stream.enable("jdk.VirtualThreadStart");
        stream.onEvent("jdk.SocketRead", e -> {
            RecordedThread t = e.getThread();
            reads.add(new Read(t == null ? "?" : t.getJavaName(), t == null ? -1 : t.getJavaThreadId(),
                    t != null && t.isVirtual(), e.getInt("port"), Math.max(0, e.getLong("bytesRead"))));
        });
        stream.onEvent("jdk.VirtualThreadStart", e -> started.add(new Started(e.getLong("javaThreadId"))));
    }

    /**
     * Starts recording. Its threads (the recorder's and the stream's) start here, so count the threads the
     * JVM has started only after this returns.
     */
    public static ThreadActivity start() {
        ThreadActivity a = new ThreadActivity();
        a.stream.startAsync();
        return a;
    }

    /**
     * Stops recording and waits until every event recorded has been delivered (bounded by JFR's flush). Once
     * stopped, it stays stopped: a second call does nothing.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) return;
        stream.stop();
        stream.close();
    }

    /** The socket reads recorded (complete once {@link #stop()} has returned). */
    public List<Read> reads() {
        return List.copyOf(reads);
    }

    /** The virtual threads started while recording (complete once {@link #stop()} has returned). */
    public List<Started> virtualThreadsStarted() {
        return List.copyOf(started);
    }
}
