package conclab.kernel.engine;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's half of the event channel: a bounded queue of events and the one thread that writes them.
 *
 * <p>Any thread may {@link #send} an event; the writer thread takes them in order and writes frames, so
 * frames never interleave and the kernel sees events in the order they were sent. Consecutive output of the
 * same cell and stream is merged into one frame (up to {@link #MAX_MERGED} characters), which is what keeps
 * a flood of {@code println} cheap.
 *
 * <p>The queue is bounded: a producer that outruns the socket blocks in {@code send}, as it would on a
 * terminal. A blocked producer that is interrupted gets an {@link InterruptedIOException} (PrintStream
 * turns that back into the thread's interrupt status). Once the channel is closed, events are dropped.
 */
final class Outbox {
    /** Output events merged into one frame up to this many characters. */
    static final int MAX_MERGED = 32 * 1024;
    private static final int CAPACITY = 4096;

    /** A queued event: either output text, or any other frame built by the sender. */
    sealed interface Event permits Output, Frame {}

    record Output(long cell, byte stream, String text) implements Event {}

    record Frame(EngineWire.Writer frame) implements Event {}

    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final DataOutputStream out;
    private final AtomicLong syncTokens = new AtomicLong();
    private final Thread writer;
    /** Set when the socket failed or was closed; from then on events are dropped. */
    private volatile boolean closed;

    Outbox(OutputStream socket) {
        this.out = new DataOutputStream(new BufferedOutputStream(socket, 64 * 1024));
        this.writer = Thread.ofPlatform().name("conclab-outbox").daemon().unstarted(this::writeLoop);
    }

    void start() {
        writer.start();
    }

    /** Queues an event, blocking while the queue is full. */
    void send(Event event) throws InterruptedIOException {
        try {
            while (!closed) {
                if (queue.offer(event, 100, TimeUnit.MILLISECONDS)) return;
            }
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted while sending output");
        }
    }

    /** Like {@link #send} for threads that must not be interrupted out of it (engine threads). */
    void sendQuietly(Event event) {
        try {
            send(event);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues a {@link EngineWire#SYNC} frame and returns its token: when the kernel reads that token, it has read
     * every event queued before this call.
     */
    long sync() {
        long token = syncTokens.incrementAndGet();
        sendQuietly(new Frame(new EngineWire.Writer(EngineWire.SYNC).putLong(token)));
        return token;
    }

    /** Waits (at most {@code max}) until every queued event has been written; for a JVM about to end. */
    void drain(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while ((!queue.isEmpty() || writing) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    /** True while the writer holds an event it took but has not flushed yet. */
    private volatile boolean writing;

    private void writeLoop() {
        try {
            while (true) {
                Event event = queue.take();
                writing = true;
                if (event instanceof Output o) {
                    writeMerged(o);
                } else if (event instanceof Frame f) {
                    f.frame().writeTo(out);
                }
                if (queue.isEmpty()) {
                    out.flush();
                    writing = false;
                }
            }
        } catch (IOException | InterruptedException e) {
            closed = true;
            queue.clear();
        }
    }

    /** Writes {@code first} together with the output events right behind it of the same cell and stream. */
    private void writeMerged(Output first) throws IOException {
        StringBuilder text = new StringBuilder(first.text());
        while (text.length() < MAX_MERGED
                && queue.peek() instanceof Output next
                && next.cell() == first.cell() && next.stream() == first.stream()) {
            queue.poll(); // the single consumer: this is the element just peeked
            text.append(next.text());
        }
        new EngineWire.Writer(EngineWire.OUTPUT).putLong(first.cell()).putByte(first.stream()).putString(text.toString())
                .writeTo(out);
    }
}
