package conclab.io;

import conclab.process.Jvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of one {@link Selector#selectNow()} call as idle connections grow, for one selector
 * implementation: the experiment of notebook 12.3 (poll's cost grows with the connections it watches,
 * epoll's stays flat).
 *
 * <p>Two processes, since each connection has two ends and a process may hold only so many descriptors
 * ({@link #maxIdle}): a child JVM (this class's
 * {@link #main}) is the server; it accepts the connections and watches them all with a selector of the
 * requested kind. The caller's JVM ({@link #measure}) opens {@code idle} connections that never send
 * anything, and one more that sends a byte. The child leaves that byte unread, so the connection stays
 * ready, and times {@code selectNow()} calls, each of which finds that one ready connection among all the
 * idle ones.
 *
 * <p>Also, for "epoll is not always better": many connections ready at once, and the interest of many
 * switched at every call ({@link #measure(Kind, int, int, int)}).
 *
 * <p>The child speaks lines on stdout: {@code port P}, {@code selector CLASS}, {@code descriptors HIGHEST FROM1024},
 * {@code ready}, {@code result NANOS_PER_CALL CALLS}; and it ends when its stdin ends (the convention of
 * {@link Jvm}). Not thread-safe: one measurement at a time per caller.
 */
public final class SelectorCost {
    private SelectorCost() {}

    /** The selector implementations of the JDK on Linux ({@code POLL} exists on every Unix). */
    public enum Kind {
        /** poll(2): the whole array of descriptors goes to the kernel on every call. */
        POLL("sun.nio.ch.PollSelectorProvider"),
        /** epoll(7): the kernel keeps the interest set; a call returns the ready ones. Linux only. */
        EPOLL("sun.nio.ch.EPollSelectorProvider");

        /** The provider class, as the system property {@code java.nio.channels.spi.SelectorProvider} names it. */
        public final String provider;

        Kind(String provider) {
            this.provider = provider;
        }
    }

    /**
     * One measurement: the selector class the child used, the idle connections it watched and the ready ones
     * (each with one unread byte), the idle ones whose interest it switched off or on before each call
     * ({@code flips}), the mean CPU time (user and system) of one call (the switches and one
     * {@code selectNow()}) over {@code calls} calls, and the child's socket descriptors: the highest number and
     * how many were numbered 1024 or above ({@code FD_SETSIZE}, select(2)'s limit); -1 where it could not tell.
     */
    public record Result(String selector, int idle, int ready, int flips, double microsPerCall, long calls,
                         int highestDescriptor, int descriptorsFrom1024) {}

    /** The descriptors this process may hold (its soft limit, as the JVM raised it), or -1 if it cannot tell. */
    static long descriptorLimit() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /**
     * The most idle connections {@link #measure} opens: this process's descriptor limit, less those it holds, less
     * a margin of 256 for the JVM's own files and the one ready connection; the child holds as many, plus its own.
     * Idle and ready connections together may be at most this many: a caller caps its sizes by it.
     */
    public static long maxIdle() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) return 1_000; // no count to read
        return Math.max(0, unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 256);
    }

    /** How much CPU time the child spends timing selectNow() calls, after a warm-up of as much. */
    static final Duration TIMED = Duration.ofMillis(100);

    /**
     * Starts a server JVM using {@code kind}, opens {@code idle} silent connections and one ready one to
     * it, and returns the child's measurement: {@code measure(kind, idle, 1, 0)}.
     */
    public static Result measure(Kind kind, int idle) {
        return measure(kind, idle, 1, 0);
    }

    /**
     * Starts a server JVM using {@code kind}, opens {@code idle} silent connections and {@code ready} ones that
     * each send one byte (left unread, so they stay ready), and returns the child's measurement. Before each
     * {@code selectNow()} the child switches the interest of {@code flips} of the idle connections, all off
     * ({@code 0}) before one call and all back on ({@code OP_READ}) before the next: a change at every call.
     * Closes every connection and ends the child before it returns, even when it fails.
     */
    public static Result measure(Kind kind, int idle, int ready, int flips) {
        long max = maxIdle();
        if (idle < 0 || ready < 1 || (long) idle + ready > max)
            throw new IllegalArgumentException("idle must be between 0 and " + (max - 1) + " and ready at least 1, together at most "
                    + max + " (this process may hold " + descriptorLimit() + " descriptors, holds some already, and each "
                    + "connection takes one), not " + idle + " and " + ready);
        if (flips < 0 || flips > idle) throw new IllegalArgumentException("flips must be between 0 and idle (" + idle + "), not " + flips);
        Process child = Jvm.start(SelectorCost.class, kind.name(), String.valueOf(idle + ready), String.valueOf(ready),
                String.valueOf(flips));
        List<SocketChannel> connections = new ArrayList<>(idle + ready);
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int port = Integer.parseInt(expect(lines, "port", child));
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < idle + ready; i++) connections.add(SocketChannel.open(address));
            String selector = expect(lines, "selector", child);
            String[] fds = expect(lines, "descriptors", child).split(" ");
            expect(lines, "ready", child);
            for (int i = idle; i < idle + ready; i++) connections.get(i).write(ByteBuffer.wrap(new byte[] {1})); // the ready ones
            String[] result = expect(lines, "result", child).split(" ");
            return new Result(selector, idle, ready, flips, Double.parseDouble(result[0]) / 1000, Long.parseLong(result[1]),
                    Integer.parseInt(fds[0]), Integer.parseInt(fds[1]));
        } catch (IOException e) {
            throw new UncheckedIOException("measuring " + kind + " with " + idle + " idle and " + ready + " ready connections: "
                    + e.getMessage(), e);
        } finally {
            for (SocketChannel c : connections) close(c);
            Jvm.end(child, Duration.ofSeconds(5));
        }
    }

    /** Reads the child's next line, which must start with {@code word}; returns the rest of it. */
    private static String expect(BufferedReader lines, String word, Process child) throws IOException {
        String line = lines.readLine();
        if (line == null || !line.startsWith(word + " ") && !line.equals(word)) {
            throw new IOException("the server JVM (pid " + child.pid() + ") said " + (line == null ? "nothing and ended" : "'" + line + "'")
                    + " where '" + word + "' was expected");
        }
        return line.substring(word.length()).strip();
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing a loopback connection: nothing to do about a failure
        }
    }

    /** The server child: {@code SelectorCost POLL|EPOLL CONNECTIONS READY FLIPS}. */
    public static void main(String[] args) throws IOException {
        // Chosen before the first use of a selector in this JVM: the provider is fixed from then on.
        System.setProperty("java.nio.channels.spi.SelectorProvider", Kind.valueOf(args[0]).provider);
        int connections = Integer.parseInt(args[1]), ready = Integer.parseInt(args[2]), flips = Integer.parseInt(args[3]);
        try (ServerSocketChannel server = ServerSocketChannel.open();
             Selector selector = Selector.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
            System.out.flush();
            List<SelectionKey> keys = new ArrayList<>(connections);
            for (int i = connections; i > 0; i--) {
                SocketChannel c = server.accept();
                c.configureBlocking(false);
                keys.add(c.register(selector, SelectionKey.OP_READ));
            }
            System.out.println("selector " + selector.getClass().getName());
            int[] fds = socketDescriptors();
            System.out.println("descriptors " + fds[0] + " " + fds[1]);
            System.out.println("ready");
            System.out.flush();
            while (selector.selectedKeys().size() < ready) selector.select(); // until every ready byte has arrived
            selector.selectedKeys().clear();
            List<SelectionKey> flipped = keys.subList(0, flips);              // the first accepted: idle ones
            timeCalls(selector, flipped, TIMED);                              // warm-up
            long[] timed = timeCalls(selector, flipped, TIMED);
            System.out.println("result " + timed[0] / timed[1] + " " + timed[1]);
            System.out.flush();
            while (System.in.read() >= 0) { }   // until the parent closes our stdin
        }
    }

    /**
     * This process's socket descriptors (Linux's {@code /proc/self/fd}): {highest number, how many are numbered
     * 1024 or above}, or {-1, -1} where there is no such folder.
     */
    static int[] socketDescriptors() {
        java.nio.file.Path dir = java.nio.file.Path.of("/proc/self/fd");
        int highest = -1, from1024 = 0;
        try (var entries = java.nio.file.Files.newDirectoryStream(dir)) {
            for (java.nio.file.Path e : entries) {
                String target;
                try {
                    target = java.nio.file.Files.readSymbolicLink(e).toString();
                } catch (IOException gone) {
                    continue;                   // the stream's own descriptor, closed by now
                }
                if (!target.startsWith("socket:")) continue;
                int fd = Integer.parseInt(e.getFileName().toString());
                highest = Math.max(highest, fd);
                if (fd >= 1024) from1024++;
            }
        } catch (IOException | RuntimeException e) {
            return new int[] {-1, -1};
        }
        return new int[] {highest, from1024};
    }

    /**
     * Calls selectNow() for about {@code time} of this thread's CPU time, switching the interest of every key of
     * {@code flipped} before each call (off before one, on before the next); returns {CPU nanoseconds, calls}.
     * CPU time, not wall time: on a shared machine, other processes would add their turns to each call.
     */
    private static long[] timeCalls(Selector selector, List<SelectionKey> flipped, Duration time) throws IOException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long calls = 0, start = mx.getCurrentThreadCpuTime(), end = start + time.toNanos(), now;
        do {
            for (int i = 0; i < 10; i++) {
                int ops = (i & 1) == 0 ? 0 : SelectionKey.OP_READ;
                for (SelectionKey k : flipped) k.interestOps(ops);
                selector.selectNow();
                selector.selectedKeys().clear(); // the bytes stay unread: the ready connections stay ready
            }
            calls += 10;
            now = mx.getCurrentThreadCpuTime();
        } while (now < end);
        for (SelectionKey k : flipped) k.interestOps(SelectionKey.OP_READ);
        return new long[] {now - start, calls};
    }
}
