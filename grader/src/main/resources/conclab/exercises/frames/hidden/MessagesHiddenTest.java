import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hidden tests of the frames exercise: run when grading only. */
class MessagesHiddenTest {
    @Test
    @Property("through-a-child")
    void throughAChild() throws Exception {
        Process cat = new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start(); // echoes its stdin
        try {
            var m = new Messages(cat.getInputStream(), cat.getOutputStream());
            // a conversation: each message is sent, then its echo awaited
            finish("a conversation with the child cat: send a message, receive its echo, three times", Duration.ofSeconds(4),
                    Liveness.task("client", () -> {
                        for (String s : List.of("ADD 2 3", "", "über 子进程 ✓")) {
                            m.send(s);
                            expect(s, m.receive());
                        }
                    }));
            // a big message: a pipe holds 64 KB, so it is sent and received at the same time, by two threads
            List<String> big = List.of("x".repeat(1 << 20), "last");
            finish("sending a 1 MB message through the child cat on one thread, receiving it on another", Duration.ofSeconds(4),
                    Liveness.task("sender", () -> {
                        for (String s : big) m.send(s);
                        cat.getOutputStream().close(); // cat ends once it has echoed everything
                    }),
                    Liveness.task("receiver", () -> {
                        for (String s : big) expect(s, m.receive());
                        String end = m.receive();
                        if (end != null) throw new AssertionError("After the child ended, receive() returned " + MessagesTest.show(end) + ", not null.");
                    }));
        } finally {
            cat.destroyForcibly();
            cat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Messages each way in a round; rounds: at least MIN_ROUNDS, then more until AT_ONCE_SECONDS, at most AT_ONCE_ROUNDS. */
    static final int AT_ONCE = 20_000, MIN_ROUNDS = 5, AT_ONCE_ROUNDS = 100, AT_ONCE_SECONDS = 3;

    /**
     * One Messages, used by two threads at once, as with a child: one sends requests while the other receives
     * replies, of other lengths. Nothing waits here (the replies are all there, the requests go to memory), so the
     * two threads run side by side through 20,000 frames each, round after round for 3 s: anything the two directions
     * share (one header buffer, one {@code ByteBuffer}) is overwritten by the other thread between its filling and
     * its reading, and a length or a message comes out wrong.
     */
    @Test
    @Property("two-ways-at-once")
    void sendsAndReceivesAtOnce() throws Exception {
        twoMessagesAtOnce();
        twoMessagesSendingAtOnce();
        List<String> requests = new java.util.ArrayList<>(), replies = new java.util.ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            requests.add("request " + i + ".".repeat(i % 29));
            replies.add("reply " + (AT_ONCE - i) + "-".repeat(i % 13 * 3));
        }
        byte[] incoming = MessagesTest.sent(replies);
        long end = System.nanoTime() + AT_ONCE_SECONDS * 1_000_000_000L;
        for (int round = 1; round <= AT_ONCE_ROUNDS && (round <= MIN_ROUNDS || System.nanoTime() - end < 0); round++) {
            var outgoing = new java.io.ByteArrayOutputStream();
            var m = new Messages(new java.io.ByteArrayInputStream(incoming), outgoing);
            String when = " (round " + round + ": one thread sending " + AT_ONCE + " requests while another received "
                    + AT_ONCE + " replies of other lengths, through one Messages)";
            // both threads start their loops at the same instant, so that they overlap (up to a second of spinning)
            java.util.concurrent.atomic.AtomicInteger ready = new java.util.concurrent.atomic.AtomicInteger();
            long gate = System.nanoTime() + 1_000_000_000L;
            Liveness.finish("sending and receiving 20,000 messages at once through one Messages", Duration.ofSeconds(5),
                    Liveness.task("sender", () -> {
                        ready.incrementAndGet();
                        while (ready.get() < 2 && System.nanoTime() - gate < 0) Thread.onSpinWait();
                        for (String s : requests) m.send(s);
                    }),
                    Liveness.task("receiver", () -> {
                        ready.incrementAndGet();
                        while (ready.get() < 2 && System.nanoTime() - gate < 0) Thread.onSpinWait();
                        for (int i = 0; i < AT_ONCE; i++) {
                            String got;
                            try {
                                got = m.receive();
                            } catch (java.io.IOException e) {
                                throw new AssertionError("Reply " + (i + 1) + " failed with " + e + when + ". Does receive"
                                        + " read a length that send wrote? What the two directions share, each thread"
                                        + " overwrites under the other's feet: give each call its own header.", e);
                            }
                            if (!replies.get(i).equals(got)) {
                                throw new AssertionError("Reply " + (i + 1) + " came out as " + MessagesTest.show(got) + ", not "
                                        + MessagesTest.show(replies.get(i)) + when + ". What the two directions share, each"
                                        + " thread overwrites under the other's feet: give each call its own header.");
                            }
                        }
                    }));
            var sentOut = new java.io.DataInputStream(new java.io.ByteArrayInputStream(outgoing.toByteArray()));
            for (int i = 0; i < AT_ONCE; i++) {
                String want = requests.get(i);
                int length = sentOut.available() >= 4 ? sentOut.readInt() : -1;
                byte[] body = length >= 0 && length <= sentOut.available() ? sentOut.readNBytes(length) : null;
                String got = body == null ? null : new String(body, java.nio.charset.StandardCharsets.UTF_8);
                if (!want.equals(got)) {
                    throw new AssertionError("Request " + (i + 1) + " was sent as " + (body == null ? "a frame of length "
                            + length : MessagesTest.show(got)) + ", not " + MessagesTest.show(want) + when + ". What the two"
                            + " directions share, each thread overwrites under the other's feet: give each call its own header.");
                }
            }
        }
    }

    /** A frame as the statement defines it, built here rather than by the code under test. */
    static byte[] frame(String message) {
        byte[] body = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /**
     * Two Messages, receiving on two threads, as a parent does with two children: A has read 2 bytes of its length
     * (0 0 1 44: 300) and waits for the rest, while B receives a whole message (0 1 17 112: 70,000) on the test's
     * thread; then A gets the rest. A header kept in a static field is overwritten by B in between: A then reads the
     * length 0 1 1 44. Ordered by latches, so it shows every time.
     */
    static void twoMessagesAtOnce() throws Exception {
        String small = "a".repeat(300), big = "b".repeat(70_000);
        byte[] frameA = frame(small);
        java.util.concurrent.CountDownLatch halfRead = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
        java.io.InputStream halting = new java.io.InputStream() { // 2 bytes, then a wait for goOn, then the rest
            int pos;

            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (len == 0) return 0;
                if (pos == 2 && halfRead.getCount() > 0) {
                    halfRead.countDown();
                    try {
                        goOn.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                if (pos >= frameA.length) return -1;
                int n = Math.min(len, (pos < 2 ? 2 : frameA.length) - pos);
                System.arraycopy(frameA, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        java.util.concurrent.FutureTask<String> a = new java.util.concurrent.FutureTask<>(
                () -> new Messages(halting, java.io.OutputStream.nullOutputStream()).receive());
        Thread.ofPlatform().daemon().name("receiver A").start(a);
        String what = "Two Messages, on two threads: A had read 2 of the 4 bytes of a length (300) when B, on its own stream,"
                + " received a message of 70,000 characters";
        try {
            if (!halfRead.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("Messages A's receive() had not read the first 2 bytes of a length (300) within 5 s"
                        + (a.isDone() ? ": it ended first" : "") + ".");
            }
            String gotB = MessagesTest.within("receive() through Messages B while A waits inside a length",
                    () -> new Messages(new java.io.ByteArrayInputStream(frame(big)), java.io.OutputStream.nullOutputStream()).receive());
            if (!big.equals(gotB)) {
                throw new AssertionError(what + ": B's message came out as " + MessagesTest.show(gotB) + ".");
            }
        } finally {
            goOn.countDown();
        }
        String gotA;
        try {
            gotA = a.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + "; then A got the rest of its frame and threw " + e.getCause() + ". What two"
                    + " Messages share (a static header), one overwrites under the other's feet: keep it per call.", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + "; then A got the rest of its frame, and had not returned 5 s later.");
        }
        if (!small.equals(gotA)) {
            throw new AssertionError(what + "; then A got the rest of its frame, and its message came out as "
                    + MessagesTest.show(gotA) + ", not 300 a's. What two Messages share (a static header), one overwrites"
                    + " under the other's feet: keep it per call.");
        }
    }

    /**
     * Two Messages, sending on two threads: A's stream takes the bytes of A's first write only after B, on the test's
     * thread, has sent a whole frame (a write may take its time before it has copied the array it was given: until it
     * returns, the array must not change). A header kept in a static field (a shared {@code ByteBuffer}) is then B's when A's
     * stream copies it: A's frame goes out with B's length, 70,000 for 300. Ordered by latches, so it shows every time.
     */
    static void twoMessagesSendingAtOnce() throws Exception {
        String small = "a".repeat(300), big = "b".repeat(70_000);
        java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch goOn = new java.util.concurrent.CountDownLatch(1);
        var sentByA = new java.io.ByteArrayOutputStream();
        java.io.OutputStream halting = new java.io.OutputStream() { // the first write waits for goOn before it copies
            @Override
            public void write(int b) throws java.io.IOException {
                park();
                sentByA.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws java.io.IOException {
                park();
                sentByA.write(b, off, len);
            }

            private void park() throws java.io.IOException {
                if (parked.getCount() == 0) return;
                parked.countDown();
                try {
                    goOn.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        };
        java.util.concurrent.FutureTask<Void> a = new java.util.concurrent.FutureTask<>(() -> {
            new Messages(java.io.InputStream.nullInputStream(), halting).send(small);
            return null;
        });
        Thread.ofPlatform().daemon().name("sender A").start(a);
        String what = "Two Messages, on two threads: A's send of 300 a's had handed its stream the first bytes of its"
                + " frame, not yet copied, when B, on its own stream, sent a message of 70,000 characters";
        try {
            if (!parked.await(5, TimeUnit.SECONDS)) {
                throw new AssertionError("Messages A's send() had not written to its stream within 5 s"
                        + (a.isDone() ? ": it ended first" : "") + ".");
            }
            var sentByB = new java.io.ByteArrayOutputStream();
            MessagesTest.within("send() through Messages B while A's stream holds A's first write", () -> {
                new Messages(java.io.InputStream.nullInputStream(), sentByB).send(big);
                return null;
            });
            if (!java.util.Arrays.equals(frame(big), sentByB.toByteArray())) {
                throw new AssertionError(what + ": B's frame was not sent as it should be (" + sentByB.size()
                        + " bytes, not " + frame(big).length + ").");
            }
        } finally {
            goOn.countDown();
        }
        try {
            a.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + "; then A's stream went on, and A's send threw " + e.getCause() + ".", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + "; then A's stream went on, and A's send had not returned 5 s later.");
        }
        byte[] got = sentByA.toByteArray();
        if (!java.util.Arrays.equals(frame(small), got)) {
            String length = got.length < 4 ? got.length + " bytes in all"
                    : "the length " + java.nio.ByteBuffer.wrap(got).getInt() + " and " + (got.length - 4) + " bytes";
            throw new AssertionError(what + "; then A's stream copied what A had given it, and A's frame went out as "
                    + length + ", not the length 300 and 300 bytes. What two Messages share (a static header), one"
                    + " overwrites under the other's feet (a write may copy the array it is given any time before it"
                    + " returns): give each send its own header.");
        }
    }

    /** {@link Liveness#finish}, with a word on what "running" means for a thread that waits on a pipe. */
    private static void finish(String what, Duration limit, Liveness.Task... tasks) {
        try {
            Liveness.finish(what, limit, tasks);
        } catch (AssertionError e) {
            if (!String.valueOf(e.getMessage()).contains("did not finish")) throw e;
            throw new AssertionError(e.getMessage() + "\n(A thread that waits to read from or write to a pipe shows as running: it"
                    + " waits inside the operating system. Did a message stay in a buffer, or is nobody reading the other end?)", e);
        }
    }

    private static void expect(String sent, String got) {
        if (!sent.equals(got)) {
            throw new AssertionError("The message " + MessagesTest.show(sent) + " came back from the child as " + MessagesTest.show(got) + ".");
        }
    }
}
