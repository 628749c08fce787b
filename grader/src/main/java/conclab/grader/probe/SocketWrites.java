package conclab.grader.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Every write to a socket this JVM makes while it is recorded, with the thread that made it and where in the learner's
 * code: a record of JFR's {@code jdk.SocketWrite} events, which the JDK emits for each call of a
 * {@code SocketChannel}'s {@code write} (a non-blocking one that takes nothing included) as for a {@code Socket}'s
 * stream, when the event's threshold is zero. It answers a question that looks at threads cannot answer for sure:
 * which threads wrote. A helper thread that retries a write now and then, from a scheduled executor say, is in the
 * learner's code only for the moment of each try, and a thread dump seldom finds it there; the record has every try.
 *
 * <p>Use: {@link #start} before the code runs, {@link #stop} after. Stopping waits until the JDK has written every event
 * of the recording, so what {@code stop} returns holds every write made before it was called: no timing is involved.
 *
 * <p>Thread-safety: {@code start} and {@code stop} are called by the test's thread; the writes recorded may come from
 * any thread.
 */
public final class SocketWrites implements AutoCloseable {
    /**
     * One write: the thread that made it, the bytes it wrote (0 for a non-blocking write that took nothing), and where
     * in the learner's code it was made, in {@link Evidence#where} words, or null when no frame of its stack is the
     * learner's.
     */
    public record Write(long threadId, String threadName, long bytes, String at) {}

    private final Recording recording = new Recording();
    /** Finds the learner's classes among the frames' classes (see {@link InstrumentedCopy#learnersClass}). */
    private final ClassLoader learners;

    private SocketWrites(ClassLoader learners) {
        this.learners = learners;
        recording.setName("conclab socket writes");
        recording.enable("jdk.SocketWrite").withThreshold(Duration.ZERO).withStackTrace();
    }

    /**
     * Starts recording every socket write of this JVM.
     *
     * @param learners the loader of the learner's classes (the test class's), to say which frames are theirs
     */
    public static SocketWrites start(ClassLoader learners) {
        SocketWrites writes = new SocketWrites(learners);
        writes.recording.start();
        return writes;
    }

    /** Stops recording, and returns every write made since {@link #start}, in the order the JDK wrote them out. */
    public List<Write> stop() {
        recording.stop();
        try {
            Path file = Files.createTempFile("socket-writes", ".jfr");
            try {
                recording.dump(file);
                List<Write> writes = new ArrayList<>();
                Map<String, Boolean> isLearners = new HashMap<>();
                for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (!e.getEventType().getName().equals("jdk.SocketWrite") || e.getThread() == null) continue;
                    writes.add(new Write(e.getThread().getJavaThreadId(), e.getThread().getJavaName(),
                            e.getLong("bytesWritten"), at(e, isLearners)));
                }
                return writes;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the record of the socket writes", e);
        } finally {
            recording.close();
        }
    }

    /** The innermost frame of the learner's code on {@code e}'s stack, in words; null if there is none. */
    private String at(RecordedEvent e, Map<String, Boolean> isLearners) {
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
        recording.close();
    }
}
