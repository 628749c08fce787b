package conclab.grader.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Every write to a socket this JVM makes while it is recorded, counted by the thread that made it and the place in the
 * learner's code: JFR's {@code jdk.SocketWrite} events, which the JDK emits for each call of a {@code SocketChannel}'s
 * {@code write} (a non-blocking one that takes nothing included), as for a {@code Socket}'s stream, once the event's
 * threshold is zero. It answers a question that looks at threads cannot answer for sure: which threads wrote. A helper
 * thread that retries a write now and then, from a scheduled executor say, is in the learner's code only for the moment
 * of each try, and a thread dump seldom finds it there; the record counts every try.
 *
 * <p>Use: {@link #start} before the code runs, {@link #stop} after. {@code stop} waits until every event recorded
 * before it was called has been counted, so what it returns holds every write made before then: no timing is
 * involved. The events are counted as they stream, not kept: a server that writes on every turn of its loop makes
 * hundreds of thousands of them in a few seconds, which kept, or written out as one file, would fill the test JVM's
 * heap or pass the sandbox's limit on a file's size. Memory grows with the number of (thread, place) pairs only.
 *
 * <p>Thread-safety: {@code start}, {@code stop} and {@code close} are called by one thread, the test's; the events are
 * counted on JFR's stream thread, into a concurrent map of tallies, each guarded by its own lock, that {@code stop}
 * reads once that thread is done with them.
 */
public final class SocketWrites implements AutoCloseable {
    /**
     * The writes one thread made at one place: how many calls, how many bytes in all, and how many of the calls wrote
     * nothing (a non-blocking write to a full socket). {@code at} is the innermost frame of the learner's code, in
     * {@link Evidence#where} words, or null when no frame of the stack is the learner's.
     */
    public record Writes(long threadId, String threadName, String at, long calls, long bytes, long empty) {}

    /**
     * What one (thread, place) pair has written so far: written by JFR's stream thread, read by the test's once it has
     * stopped; both under the tally's own lock, so that the read sees every count, whatever JFR synchronizes inside.
     */
    private static final class Tally {
        final String threadName;
        long calls, bytes, empty; // guarded by this

        Tally(String threadName) {
            this.threadName = threadName;
        }
    }

    private record Key(long threadId, String at) {}

    private final RecordingStream stream = new RecordingStream();
    /** Finds the learner's classes among the frames' classes (see {@link InstrumentedCopy#learnersClass}). */
    private final ClassLoader learners;
    /** Whether each class seen on a stack is the learner's: parsing a class file per event would be too slow. */
    private final Map<String, Boolean> isLearners = new ConcurrentHashMap<>();
    private final Map<Key, Tally> tallies = new ConcurrentHashMap<>();
    /** Whether {@link #stop} or {@link #close} has been called (by the test's thread only). */
    private boolean ended;

    private SocketWrites(ClassLoader learners) {
        this.learners = learners;
        stream.enable("jdk.SocketWrite").withThreshold(Duration.ZERO).withStackTrace();
        stream.onEvent("jdk.SocketWrite", this::count);
    }

    /**
     * Starts recording every socket write of this JVM.
     *
     * @param learners the loader of the learner's classes (the test class's), to say which frames are theirs
     */
    public static SocketWrites start(ClassLoader learners) {
        SocketWrites writes = new SocketWrites(learners);
        try {
            writes.stream.startAsync();
        } catch (RuntimeException e) {
            writes.stream.close();
            throw e;
        }
        return writes;
    }

    /**
     * Stops recording, and returns the writes made since {@link #start}, one entry per thread and place, in no
     * particular order. Waits until JFR has handed over every event recorded before the call. May be called once.
     */
    public List<Writes> stop() {
        if (ended) throw new IllegalStateException("the record of socket writes has already been stopped");
        ended = true;
        try {
            stream.stop();   // waits until every event recorded so far has been counted
        } finally {
            stream.close();
        }
        List<Writes> writes = new ArrayList<>();
        tallies.forEach((k, t) -> {
            synchronized (t) {
                writes.add(new Writes(k.threadId(), t.threadName, k.at(), t.calls, t.bytes, t.empty));
            }
        });
        return writes;
    }

    /** Counts one event: on JFR's stream thread, one event at a time. */
    private void count(RecordedEvent e) {
        if (e.getThread() == null) return;
        Tally t = tallies.computeIfAbsent(new Key(e.getThread().getJavaThreadId(), at(e)),
                k -> new Tally(e.getThread().getJavaName()));
        long written = e.getLong("bytesWritten");
        synchronized (t) {
            t.calls++;
            t.bytes += written;
            if (written == 0) t.empty++;
        }
    }

    /**
     * The innermost frame of the learner's code on {@code e}'s stack, in words; null if there is none. JFR keeps the
     * innermost 64 frames, and leaves out the JDK's own frames of the write: the learner's call is near the top.
     */
    private String at(RecordedEvent e) {
        if (e.getStackTrace() == null) return null;
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            if (!f.isJavaFrame()) continue;
            String cls = f.getMethod().getType().getName();
            if (isLearners.computeIfAbsent(cls, c -> InstrumentedCopy.learnersClass(learners, c) != null)) {
                return Evidence.where(new StackTraceElement(cls, f.getMethod().getName(), Evidence.SOLUTION_FILE,
                        f.getLineNumber()));
            }
        }
        return null;
    }

    /** Stops recording, if it still records, keeping nothing. */
    @Override
    public void close() {
        ended = true;
        stream.close();
    }
}
