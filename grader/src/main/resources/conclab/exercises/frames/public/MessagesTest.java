import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Public tests of the frames exercise: the learner may read them. */
class MessagesTest {
    /** Messages of every kind: empty, with a line break, not ASCII, longer than 65,535 bytes. */
    static final List<String> MESSAGES = List.of("ADD 2 3", "", "two\nlines", "über 子进程 ✓", "x".repeat(100_000), "last");

    /** The bytes of all {@code messages}, sent one by one through a Messages on an in-memory stream. */
    static byte[] sent(List<String> messages) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var m = new Messages(InputStream.nullInputStream(), bytes);
        for (String s : messages) m.send(s);
        return bytes.toByteArray();
    }

    /** Runs {@code call} on a thread of its own and returns its result; fails if it takes longer than 5 s. */
    static <T> T within(String what, Callable<T> call) {
        AtomicReference<T> result = new AtomicReference<>();
        Liveness.finish(what, Duration.ofSeconds(5), Liveness.task("receiver", () -> result.set(call.call())));
        return result.get();
    }

    /** Receives as many messages as were sent from {@code in}. */
    static void receiveAll(InputStream in, List<String> messages, String how) throws IOException {
        var m = new Messages(in, OutputStream.nullOutputStream());
        for (int i = 0; i < messages.size(); i++) {
            String got = within("receive() of message " + (i + 1) + " " + how, m::receive);
            if (!messages.get(i).equals(got)) {
                throw new AssertionError("Message " + (i + 1) + " " + how + " came out as " + show(got) + ", not as it was sent: "
                        + show(messages.get(i)) + ".");
            }
        }
    }

    static String show(String s) {
        if (s == null) return "null";
        String t = s.length() > 30 ? s.substring(0, 30) + "... (" + s.length() + " characters)" : s;
        return "\"" + t.replace("\n", "\\n") + "\"";
    }

    @Test
    @Property("round-trip")
    void roundTrip() throws IOException {
        byte[] frame = sent(List.of("ADD 2 3"));
        byte[] expected = {0, 0, 0, 7, 'A', 'D', 'D', ' ', '2', ' ', '3'};
        if (!Arrays.equals(frame, expected)) {
            throw new AssertionError("send(\"ADD 2 3\") wrote the bytes " + Arrays.toString(frame) + "; a frame is the length in"
                    + " 4 bytes, big-endian, then the UTF-8 bytes: " + Arrays.toString(expected) + ".");
        }
        byte[] all = sent(MESSAGES);
        receiveAll(new ByteArrayInputStream(all), MESSAGES, "sent together with the others");
    }

    /** A stream that gives at most {@code most} bytes per read, in a fixed pattern 1, 2, ..., most, 1, 2, ... */
    static final class Trickle extends InputStream {
        private final byte[] bytes;
        private final int most;
        private int next, call;

        Trickle(byte[] bytes, int most) {
            this.bytes = bytes;
            this.most = most;
        }

        @Override
        public int read() {
            return next < bytes.length ? bytes[next++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (next >= bytes.length) return -1;
            int n = Math.min(Math.min(len, 1 + call++ % most), bytes.length - next);
            System.arraycopy(bytes, next, b, off, n);
            next += n;
            return n;
        }
    }

    @Test
    @Property("partial-reads")
    void partialReads() throws IOException {
        byte[] all = sent(MESSAGES);
        receiveAll(new Trickle(all, 1), MESSAGES, "from a stream that gives one byte per read (as a pipe may)");
        receiveAll(new Trickle(all, 7), MESSAGES, "from a stream that gives 1 to 7 bytes per read");
    }

    @Test
    @Property("flushes")
    void flushes() throws IOException {
        var arrived = new ByteArrayOutputStream();
        var m = new Messages(InputStream.nullInputStream(), new BufferedOutputStream(arrived)); // a Process's stdin is one
        m.send("ADD 2 3");
        if (arrived.size() < 11) {
            throw new AssertionError("send(\"ADD 2 3\") returned, and only " + arrived.size() + " of the frame's 11 bytes had left the"
                    + " buffer of the stream (a child's stdin has one): the other side would wait for the rest forever. Flush.");
        }
    }

    /** An endless stream would do (a peer that writes garbage); this one ends after 64 MiB, and counts what it gave. */
    static final class Garbage extends InputStream {
        static final long END = 64L << 20;
        private final byte[] header;
        long given;

        Garbage(int length) {
            header = java.nio.ByteBuffer.allocate(4).putInt(length).array();
        }

        @Override
        public int read() {
            if (given >= END) return -1;
            int b = given < 4 ? header[(int) given] & 0xff : 0;
            given++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) return 0;
            if (given >= END) return -1;
            int n = (int) Math.min(len, END - given);
            for (int i = 0; i < n; i++) b[off + i] = given + i < 4 ? header[(int) (given + i)] : 0;
            given += n;
            return n;
        }
    }

    @Test
    @Property("bad-length")
    void badLength() {
        for (int length : new int[] {-1, Integer.MIN_VALUE, (16 << 20) + 1, Integer.MAX_VALUE}) {
            var garbage = new Garbage(length);
            var m = new Messages(garbage, OutputStream.nullOutputStream());
            AtomicReference<Object> outcome = new AtomicReference<>();
            String what = "receive() from a stream whose next 4 bytes give the length " + String.format("%,d", length)
                    + (length < 0 ? "" : " (more than MAX, 16 MiB)") + ", followed by 64 MiB of zeros";
            Liveness.finish(what, Duration.ofSeconds(10), Liveness.task("receiver", () -> {
                try {
                    String got = m.receive();
                    outcome.set(got == null ? "null" : "a message of " + got.length() + " characters");
                } catch (EOFException e) {
                    outcome.set(e);
                } catch (IOException e) {
                    outcome.set(e);
                } catch (RuntimeException | OutOfMemoryError e) {
                    outcome.set(e);
                }
            }));
            Object o = outcome.get();
            if (!(o instanceof IOException) || o instanceof EOFException) {
                throw new AssertionError(what + ": it " + (o instanceof Throwable ? "threw " + o : "returned " + o) + ". A length"
                        + " below 0 or above MAX is no frame (the stream is corrupt, or not ours): throw an IOException at"
                        + " once, before reading any of the body or making room for it.");
            }
            if (garbage.given > (1 << 20)) {
                throw new AssertionError(what + ": it threw " + o + ", but only after reading " + String.format("%,d", garbage.given)
                        + " bytes of the stream. Check the length before reading the body.");
            }
        }
        maxIsAFrame();
    }

    /** The boundary: a length of exactly MAX is a frame (only a length above it is not), and comes through whole. */
    static void maxIsAFrame() {
        int max = 16 << 20;
        byte[] frame = new byte[4 + max];
        java.nio.ByteBuffer.wrap(frame).putInt(max);
        Arrays.fill(frame, 4, frame.length, (byte) 'x');
        String what = "receive() of a message of exactly MAX (16,777,216) bytes";
        AtomicReference<Object> outcome = new AtomicReference<>();
        Liveness.finish(what, Duration.ofSeconds(10), Liveness.task("receiver", () -> {
            try {
                outcome.set(new Messages(new ByteArrayInputStream(frame), OutputStream.nullOutputStream()).receive());
            } catch (IOException | RuntimeException e) {
                outcome.set(e);
            }
        }));
        Object o = outcome.get();
        if (o instanceof String got && got.length() == max && got.chars().allMatch(c -> c == 'x')) return;
        throw new AssertionError(what + ": it " + (o instanceof Throwable ? "threw " + o : o == null ? "returned null"
                : "returned a message of " + ((String) o).length() + " characters, not the 16,777,216 x's sent")
                + ". Only a length above MAX is no frame: a message of MAX bytes is the longest there may be.");
    }

    @Test
    @Property("end-of-stream")
    void endOfStream() throws IOException {
        String none = within("receive() from an empty stream", () -> new Messages(InputStream.nullInputStream(), OutputStream.nullOutputStream()).receive());
        if (none != null) throw new AssertionError("receive() from a stream that ended before any message returned " + show(none) + ", not null.");
        var two = sent(List.of("first", "second"));
        var m = new Messages(new ByteArrayInputStream(two), OutputStream.nullOutputStream());
        within("receive() of the first of two messages", m::receive);
        within("receive() of the second of two messages", m::receive);
        String end = within("receive() after the last message", m::receive);
        if (end != null) throw new AssertionError("After two messages the stream ended, and the third receive() returned " + show(end) + ", not null.");
        byte[] frame = sent(List.of("ADD 2 3"));
        expectEof(Arrays.copyOf(frame, 2), "2 bytes of the 4 of a length");
        expectEof(Arrays.copyOf(frame, 4), "the length (7) and none of the message");
        expectEof(Arrays.copyOf(frame, 8), "the length (7) and 4 of the 7 bytes of the message");
        expectEof(Arrays.copyOf(two, two.length - 1), "a whole message, then all but the last byte of another");
    }

    /** Receives from {@code bytes} (all messages but one truncated), expecting EOFException for the truncated one. */
    static void expectEof(byte[] bytes, String what) {
        var m = new Messages(new ByteArrayInputStream(bytes), OutputStream.nullOutputStream());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Liveness.finish("receive() from a stream that ends after " + what, Duration.ofSeconds(5), Liveness.task("receiver", () -> {
            try {
                for (int i = 0; i < 3; i++) {
                    String got = m.receive();
                    if (got == null || !got.equals("first")) {
                        outcome.set(got == null ? "null" : "the message " + show(got));
                        return;
                    }
                }
            } catch (EOFException e) {
                outcome.set(e);
            }
        }));
        if (!(outcome.get() instanceof EOFException)) {
            throw new AssertionError("receive() from a stream that ends after " + what + " returned " + outcome.get()
                    + ": it should throw EOFException (the other side died inside a message; a message cut short is no message).");
        }
    }
}
