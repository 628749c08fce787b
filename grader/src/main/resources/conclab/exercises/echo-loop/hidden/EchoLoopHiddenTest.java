import conclab.grader.probe.Descriptors;
import conclab.grader.probe.Kept;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import static conclab.grader.probe.Sockets.*;

/** Hidden tests of the echo-loop exercise: run when grading only. */
class EchoLoopHiddenTest {
    static final int WAIT_MS = EchoLoopTest.WAIT_MS;

    /**
     * The client sends 16 MB (far more than the socket buffers on the way hold) and starts reading only when it
     * has sent all, or when its writing has made no progress for a second: a server that stops reading while it
     * cannot write gets there; one that reads on and drops what a partial write did not take never blocks the
     * writer, and loses bytes.
     */
    @Test
    @Property("partial-writes")
    void sixteenMegabytesToALateReader() throws Exception {
        byte[] big = pattern(16 << 20, 7);
        try (EchoLoopTest.Server server = new EchoLoopTest.Server(); Socket c = server.connect(8 * 1024)) {
            ReentrantLock lock = new ReentrantLock();
            Condition progress = lock.newCondition();
            long[] written = {0};
            boolean[] done = {false};
            Thread writer = Thread.ofPlatform().daemon().name("writer").start(() -> {
                try {
                    OutputStream out = c.getOutputStream();
                    for (int at = 0; at < big.length; at += 8192) {
                        out.write(big, at, 8192);
                        lock.lock();
                        try { written[0] = at + 8192; progress.signalAll(); } finally { lock.unlock(); }
                    }
                    c.shutdownOutput();
                } catch (IOException e) {
                    // the server closed the connection: the reader sees what came back
                } finally {
                    lock.lock();
                    try { done[0] = true; progress.signalAll(); } finally { lock.unlock(); }
                }
            });
            lock.lock();
            try { // wait until the writer is done, or stuck for a second
                while (!done[0]) {
                    long before = written[0];
                    if (!progress.await(1, TimeUnit.SECONDS) && written[0] == before) break;
                }
            } finally {
                lock.unlock();
            }
            byte[] back = readToEnd(c);
            writer.join(WAIT_MS);
            server.report();
            if (back == null) {
                throw new AssertionError("A client sent 16 MB and read the echo late: the echo stopped coming, and the"
                        + " connection was not closed (waited " + WAIT_MS / 1000 + " s).");
            }
            if (!Arrays.equals(big, back)) {
                int i = Arrays.mismatch(big, back);
                throw new AssertionError("A client sent 16 MB and read the echo late (so the server's writes were partial):"
                        + " it got " + back.length + " bytes back, differing from what it sent from byte " + i
                        + " on. When write() takes only part of the buffer, the rest must be kept and written later.");
            }
        }
    }

    @Test
    @Property("disconnect")
    void aClientThatLeavesMidMessage() throws Exception {
        List<WeakReference<SocketChannel>> ends = new ArrayList<>();
        leaveMidMessage(ends);
        nothingKept(ends);
    }

    /**
     * A client leaves in the middle of a message, another resets its connection there, a third is served whole; then
     * the listening channel is closed, and the loop must end. The server's end of each connection is added to
     * {@code ends} (weakly: the test keeps none of them), for {@link #nothingKept}.
     */
    void leaveMidMessage(List<WeakReference<SocketChannel>> ends) throws Exception {
        try (EchoLoopTest.Server server = new EchoLoopTest.Server()) {
            int before = (int) Descriptors.count(Descriptors.SOCKET); // the listening channel and the JVM's own: no connection yet
            Socket leaver = server.connect(0);
            serversEnd(server, leaver, ends);
            leaver.getOutputStream().write(pattern(1000, 8)); // half of a 2000-byte message
            leaver.close();                                    // and gone
            Socket resetter = server.connect(0);
            serversEnd(server, resetter, ends);
            resetter.getOutputStream().write(pattern(1000, 10)); // half of another message
            resetter.setSoLinger(true, 0);
            resetter.close();                                  // reset: the server's read throws "Connection reset"
            byte[] message = pattern(2000, 9);
            try (Socket c = server.connect(0)) {
                serversEnd(server, c, ends);
                c.getOutputStream().write(message);
                c.shutdownOutput();
                byte[] back = readToEnd(c);
                server.report();
                if (back == null || !Arrays.equals(message, back)) {
                    throw new AssertionError("After a client left in the middle of a message, another client sent 2000 bytes"
                            + " and got " + (back == null ? "no end of stream in " + WAIT_MS / 1000 + " s" : back.length
                            + " bytes back" + (back.length == message.length ? " that differ" : "")) + ".");
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            int open;
            while ((open = (int) Descriptors.count(Descriptors.SOCKET) - before) > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            if (open > 0) {
                throw new AssertionError("A client left in the middle of a message, another reset its connection in the"
                        + " middle of one, and a third ended its stream and got its echo; all have closed their sockets, and "
                        + WAIT_MS / 1000 + " s later " + open + " of these 3 connections were still open on the server"
                        + " (sockets counted in /proc/self/fd). When the client has ended its stream and all is sent back,"
                        + " close the channel: shutdownOutput() or no longer watching it leaves it open; and when a read or"
                        + " a write throws (the connection was reset), close it too (or let the exception out of the"
                        + " callback: the loop then closes the channel)." + server.report());
            }
            server.loop.callSoon(server.channel::close); // no more clients: now the loop should end by itself
            if (!server.thread.join(Duration.ofMillis(WAIT_MS))) {
                throw new AssertionError("Every client has gone, but the event loop still watches a connection after "
                        + WAIT_MS / 1000 + " s: close a connection when read returns -1 (the client left), once all is"
                        + " sent back.");
            }
        }
    }

    /**
     * Adds to {@code ends}, weakly, the server's end of the connection of {@code client}, found among the keys of the
     * loop's selector on the loop's thread (asked every 10 ms until the server has accepted it, at most WAIT_MS); adds
     * nothing if the loop has no such key by then, or if an earlier client's was not found (a server whose
     * connections are not on the loop's selector is judged by other properties, and need not wait here each time).
     */
    static void serversEnd(EchoLoopTest.Server server, Socket client, List<WeakReference<SocketChannel>> ends) throws Exception {
        if (ends.contains(null)) return;
        java.net.SocketAddress peer = client.getLocalSocketAddress();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        do {
            java.util.concurrent.CompletableFuture<WeakReference<SocketChannel>> found = new java.util.concurrent.CompletableFuture<>();
            server.loop.callSoon(() -> {
                WeakReference<SocketChannel> end = null;
                for (java.nio.channels.SelectionKey k : server.loop.selector().keys()) {
                    if (k.channel() instanceof SocketChannel sc && sc.isOpen() && peer.equals(sc.getRemoteAddress())) {
                        end = new WeakReference<>(sc);
                    }
                }
                found.complete(end);
            });
            WeakReference<SocketChannel> end;
            try {
                end = found.get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                break; // the loop is stuck: other properties say why
            }
            if (end != null) {
                ends.add(end);
                return;
            }
            new java.util.concurrent.CountDownLatch(1).await(10, TimeUnit.MILLISECONDS);
        } while (System.nanoTime() < deadline);
        ends.add(null); // not found: the later clients are not looked for
    }

    /**
     * Once the server is gone (its loop ended and closed, and nothing of the test holds the loop or the server), a full
     * GC must find every one of {@code ends} unreachable: a connection still reachable is held by something that
     * outlives the server, a static field of the learner's classes most likely (a set of connections that loses
     * only those closed normally keeps the reset one for ever, and shares its connections with every server).
     */
    static void nothingKept(List<WeakReference<SocketChannel>> ends) {
        long kept = Kept.stillReachable(ends), looked = ends.stream().filter(java.util.Objects::nonNull).count();
        if (kept > 0) {
            throw new AssertionError("A client left in the middle of a message, another reset its connection, and a third"
                    + " was served; then the server was closed, its loop ended and was closed, and nothing of the test held"
                    + " it. After a full garbage collection, " + kept + " of the " + looked + " connections (the"
                    + " server's SocketChannel) " + (kept == 1 ? "was" : "were") + " still reachable: something that"
                    + " outlives the server keeps them, and with them their buffers" + Kept.staticFieldsNote(EchoServer.class)
                    + ". Keep a connection's state in its Connection, which only the"
                    + " loop's callbacks hold: a static collection is shared by every server and grows with every"
                    + " connection it does not lose (one the loop closes after a read throws, for one).");
        }
    }

    /**
     * How much a client that never reads sends, and what the kernel holds on the way (see {@link #kernelHolds}): at
     * least 32 MB, and at least 8 MB more than the kernel holds. Where the socket buffers are large (a send buffer
     * of 16 MB or more by default: net.ipv4.tcp_wmem), the kernel holds 28 MB or more, and 32 MB would fit in it:
     * the total doubles until the kernel no longer takes it all with 8 MB to spare (at most 1 GB).
     */
    static synchronized long[] totalAndKernel() throws Exception {
        if (measured == null) {
            long total = 32L << 20, kernel;
            while ((kernel = kernelHolds(total, EchoLoopTest.SERVER_RECEIVE_BUFFER)) + (8L << 20) > total && total < (1L << 30)) total *= 2;
            measured = new long[] {total, kernel};
        }
        return measured.clone();
    }

    /** What {@link #totalAndKernel} measured, once per test JVM (the machine's buffers do not change meanwhile). */
    private static long[] measured;

    /** The most bytes of a client's that the server may hold in memory: pending is 16 KiB; four times that. */
    static final long MOST_HELD = 64 * 1024;

    /**
     * A client that never reads writes up to 32 MB (more where the kernel's buffers hold more, see
     * {@link #totalAndKernel}): a server that reads only while pending has room soon stops reading, and the
     * client's writing stops with it; one that keeps what it cannot write elsewhere takes it all. The limit is what
     * the kernel holds (measured with a bounded server of the test's own) plus 4 MB; the client sends at least 8 MB
     * more than the kernel holds, so a server that takes it all passes the limit by 4 MB or more, on any machine.
     * Then, once the client's writing is stuck, what the server holds in memory is counted, not guessed: the bytes
     * the client wrote, less those the kernel still holds on the way (see {@link #inKernel}), must be at most
     * {@link #MOST_HELD}. A queue of its own beside pending, however bounded, shows there.
     */
    @Test
    @Property("backpressure")
    void aClientThatNeverReads() throws Exception {
        long[] measured = totalAndKernel();
        long total = measured[0], kernel = measured[1], limit = kernel + (4L << 20);
        if (limit >= total) { // the kernel took 1 GB: no server could be told from a bounded one here
            throw new AssertionError("The test could not measure this machine's socket buffers: a client that never"
                    + " reads sent 1 GB to a bounded echo server of the test's own, and it took it all.");
        }
        try (EchoLoopTest.Server server = new EchoLoopTest.Server(); Socket c = silentClient(server.channel.getLocalAddress())) {
            AtomicLong written = new AtomicLong();
            Thread writer = writeUntilStuck(c, pattern(64 * 1024, 11), total, written);
            long took = written.get();
            // the writer is stuck, or done: nothing moves on the connection now, so the kernel's queues add up
            long queued = writer.isAlive() ? inKernel(c) : -1;
            c.close(); // the writer, if it still waits, gets an exception
            writer.join(WAIT_MS);
            if (took > limit) {
                throw new AssertionError("A client that reads none of its echo sent " + mb(took) + ", and the server took it"
                        + " all" + (took >= total ? "" : " (more than " + mb(limit) + ", where a server that reads only what"
                        + " it has written back takes " + mb(kernel) + ", the kernel's buffers)") + ": it keeps in memory"
                        + " what it cannot write back. Read only while pending has room (the client then waits:"
                        + " backpressure)." + server.report());
            }
            if (queued >= 0 && took - queued > MOST_HELD) {
                throw new AssertionError("A client that reads none of its echo sent " + String.format("%,d", took) + " bytes"
                        + " until its writing stopped; the sockets' buffers held " + String.format("%,d", queued) + " of them"
                        + " (on their way to the server, or echoed on their way back: read in /proc/net/tcp), so your server"
                        + " held the other " + String.format("%,d", took - queued) + " bytes in memory, more than "
                        + MOST_HELD / 1024 + " KiB (pending holds 16 KiB). Keep no bytes beside pending: read only while"
                        + " pending has room, so that a client that does not read is made to wait (backpressure), and a"
                        + " hundred such clients do not pin a hundred queues." + server.report());
            }
        }
    }

    /**
     * The bytes the kernel holds on both ends of the connection of {@code client} (whose peer is the server's end, in
     * this JVM): written and not yet read by the other end, each way (the tx_queue and rx_queue of both sockets in
     * /proc/net/tcp, or tcp6). Once nothing moves, what the client wrote less this is what the server read and did
     * not write back: what it holds. -1 where /proc cannot be read, or a socket is not listed.
     */
    static long inKernel(Socket client) {
        int local = client.getLocalPort(), peer = client.getPort();
        long clientSide = -1, serverSide = -1;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            java.util.List<String> lines;
            try {
                lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(table));
            } catch (IOException | RuntimeException e) {
                continue; // not Linux, or no IPv6
            }
            for (String line : lines) {
                // "sl local_address rem_address st tx_queue:rx_queue ...", addresses as HEXADDR:HEXPORT, st 01 = established
                String[] f = line.trim().split("\\s+");
                if (f.length < 5 || !f[3].equals("01")) continue;
                int from = port(f[1]), to = port(f[2]);
                String[] q = f[4].split(":");
                long queues = Long.parseLong(q[0], 16) + Long.parseLong(q[1], 16);
                if (from == local && to == peer) clientSide = queues;
                else if (from == peer && to == local) serverSide = queues;
            }
        }
        return clientSide < 0 || serverSide < 0 ? -1 : clientSide + serverSide;
    }

    /** The port of an address of /proc/net/tcp (HEXADDR:HEXPORT), or -1. */
    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        try {
            return Integer.parseInt(address.substring(colon + 1), 16);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Client A (a small receive buffer) sends megabytes (8 MB more than the kernel's buffers hold, see
     * {@link #totalAndKernel}) and reads none of its echo, so the server's writes to it take nothing. Meanwhile client B connects and sends a line: its echo must come, and the loop's thread must stay idle
     * (almost no CPU) while the two wait. A callback that loops until its write is done freezes the loop; one that
     * reads into a full pending buffer (read returns 0, the channel stays readable) is called again and again.
     */
    @Test
    @Property("slow-reader")
    void anotherClientWhileOnesEchoIsStuck() throws Exception {
        try (EchoLoopTest.Server server = new EchoLoopTest.Server(); Socket a = server.connect(8 * 1024)) {
            AtomicLong written = new AtomicLong();
            Thread writer = writeUntilStuck(a, pattern(64 * 1024, 13), totalAndKernel()[0], written);
            try (Socket b = server.connect()) {
                String stuck = writer.isAlive() ? "while the server could not write its echo back (after " + mb(written.get())
                        + " sent)" : "after it had sent " + mb(written.get());
                byte[] line = "a line from a second client\n".getBytes(StandardCharsets.UTF_8);
                b.getOutputStream().write(line);
                byte[] echo = new byte[line.length];
                int have = 0;
                try {
                    for (int r; have < line.length && (r = b.getInputStream().read(echo, have, line.length - have)) >= 0; ) have += r;
                } catch (SocketTimeoutException e) {
                    // counted below
                }
                if (have < line.length) {
                    throw new AssertionError("Client A sent megabytes and read none of its echo; " + stuck + ", client B"
                            + " connected and sent a line: it got " + have + " of its " + line.length + " bytes back in "
                            + WAIT_MS / 1000 + " s. A callback must not loop until its write is done: write what the"
                            + " channel takes, and the rest when it is writable again." + server.where());
                }
                EchoLoopTest.same(line, echo, "client B's line");
                if (writer.isAlive()) { // A's echo is stuck: the server must wait for its channel to be writable
                    Integer ops = server.interestOf(a);
                    if (ops != null && ops >= 0 && (ops & java.nio.channels.SelectionKey.OP_WRITE) == 0) {
                        throw new AssertionError("Client A sent megabytes and read none of its echo; " + stuck + ", the"
                                + " server's end of A's connection was not watched for writable (its interest set was " + ops
                                + "): the rest of the echo then goes out only when something else wakes the loop (a timer"
                                + " that tries the write again), late, and the loop wakes for nothing meanwhile. While bytes"
                                + " are left to write, watch for writable (loop.onWritable) and write them when that fires."
                                + server.where());
                    }
                }
                EchoLoopTest.Cpu cpu = EchoLoopTest.cpuOverASecond(server);
                if (cpu.busy()) {
                    throw new AssertionError("Client A sent megabytes and read none of its echo, and client B waited silent"
                            + " after its echo: " + cpu.describe() + ": " + cpu.verdict() + ". Write what is pending when the"
                            + " channel is writable (onWritable), not on a timer. While pending is full, stop watching for \"readable\" (reading into a"
                            + " full buffer returns 0, and the channel stays readable), and watch for \"writable\" only while"
                            + " there is something to write." + server.where());
                }
            } finally {
                a.close(); // the writer, if it still waits, gets an exception
                writer.join(WAIT_MS);
            }
        }
        endedWhileItsEchoWaits();
    }

    /**
     * How much the client of {@link #endedWhileItsEchoWaits} sends: more than the sockets' buffers hold of its echo
     * (the server's send buffer and the client's receive buffer are set to 4 KiB, which the kernel doubles: about
     * 8 KB), and less than they hold plus a pending buffer of 16 KiB, so that a server that reads while pending has
     * room reads all of it, and the end of the stream, with about 12 KB of echo still to write.
     */
    static final int ENDED_SENDS = 20 * 1024;

    /**
     * A client sends 20 KiB, ends its stream (shutdownOutput) and reads none of its echo: the server reads the bytes
     * and the end of the stream, writes what the sockets take, and has nothing to do until the client reads. A
     * channel at the end of its stream is readable on every turn (read returns -1 each time): the loop's thread must
     * use almost no CPU over a second. (A step of {@link #anotherClientWhileOnesEchoIsStuck}: the grader keeps one
     * result per property.)
     */
    void endedWhileItsEchoWaits() throws Exception {
        try (EchoLoopTest.Server server = new EchoLoopTest.Server()) {
            try (Socket c = server.connect(4 * 1024)) {
                // a server whose connections are not on the loop's selector is judged by one-thread, not here
                if (!smallSendBuffer(server)) return;
                byte[] data = pattern(ENDED_SENDS, 17);
                c.getOutputStream().write(data);
                c.shutdownOutput(); // the end of its stream; it reads nothing yet
                conclab.grader.probe.Idle.settle(server.thread, server.task);
                EchoLoopTest.Cpu cpu = EchoLoopTest.cpuOverASecond(server);
                if (cpu.busy()) {
                    throw new AssertionError("A client sent " + ENDED_SENDS + " bytes, ended its stream and read none of"
                            + " its echo (the sockets' buffers hold only part of it): " + cpu.describe() + ": " + cpu.verdict() + "."
                            + " Once read has returned -1, stop watching for \"readable\" (at the end of its stream a"
                            + " channel is readable on every turn, and read returns -1 each time), and watch for"
                            + " \"writable\" only while there is something to write." + server.where());
                }
                byte[] echo = EchoLoopTest.readExactly(server, c, data.length, "the echo of " + ENDED_SENDS + " bytes"
                        + " sent just before the end of the stream");
                EchoLoopTest.same(data, echo, "the echo of a client that ended its stream");
            }
        }
    }

    /**
     * Sets a send buffer of 4 KiB (which the kernel doubles; fixed, it does not grow) on the server's connection, on the
     * loop's thread, once it is registered with the loop's selector and before its client has sent anything; returns
     * false if none was registered within WAIT_MS. Asked on the loop's thread every 10 ms.
     */
    static boolean smallSendBuffer(EchoLoopTest.Server server) throws Exception {
        java.nio.channels.Selector selector = server.loop.selector();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        do {
            java.util.concurrent.CompletableFuture<Boolean> set = new java.util.concurrent.CompletableFuture<>();
            server.loop.callSoon(() -> {
                boolean found = false;
                for (java.nio.channels.SelectionKey k : selector.keys()) {
                    if (k.isValid() && k.channel() instanceof java.nio.channels.SocketChannel s && s.isOpen()) {
                        s.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 * 1024);
                        found = true;
                    }
                }
                set.complete(found);
            });
            if (set.get(WAIT_MS, TimeUnit.MILLISECONDS)) return true;
            new java.util.concurrent.CountDownLatch(1).await(10, TimeUnit.MILLISECONDS);
        } while (System.nanoTime() < deadline);
        return false;
    }
}
