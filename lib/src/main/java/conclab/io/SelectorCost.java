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
 * <p>The child speaks lines on stdout: {@code port P}, {@code selector CLASS}, {@code ready},
 * {@code result NANOS_PER_CALL CALLS}; and it ends when its stdin ends (the convention of
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
     * One measurement: the selector class the child used, the idle connections it watched (plus one
     * ready), and the mean CPU time (user and system) of one {@code selectNow()} call over {@code calls} calls.
     */
    public record Result(String selector, int idle, double microsPerCall, long calls) {}

    /** The descriptors this process may hold (its soft limit, as the JVM raised it), or -1 if it cannot tell. */
    static long descriptorLimit() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /**
     * The most idle connections {@link #measure} opens: this process's descriptor limit, less those it holds, less
     * a margin of 256 for the JVM's own files and the one ready connection; the child holds as many, plus its own.
     */
    static long maxIdle() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.UnixOperatingSystemMXBean unix)) return 1_000; // no count to read
        return Math.max(0, unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 256);
    }

    /** How much CPU time the child spends timing selectNow() calls, after a warm-up of as much. */
    static final Duration TIMED = Duration.ofMillis(100);

    /**
     * Starts a server JVM using {@code kind}, opens {@code idle} silent connections and one ready one to
     * it, and returns the child's measurement. Closes every connection and ends the child before it
     * returns, even when it fails.
     */
    public static Result measure(Kind kind, int idle) {
        long max = maxIdle();
        if (idle < 0 || idle > max)
            throw new IllegalArgumentException("idle must be between 0 and " + max + " (this process may hold "
                    + descriptorLimit() + " descriptors, holds some already, and each connection takes one), not " + idle);
        Process child = Jvm.start(SelectorCost.class, kind.name(), String.valueOf(idle + 1));
        List<SocketChannel> connections = new ArrayList<>(idle + 1);
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int port = Integer.parseInt(expect(lines, "port", child));
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i <= idle; i++) connections.add(SocketChannel.open(address));
            String selector = expect(lines, "selector", child);
            expect(lines, "ready", child);
            connections.getLast().write(ByteBuffer.wrap(new byte[] {1})); // the one ready connection
            String[] result = expect(lines, "result", child).split(" ");
            return new Result(selector, idle, Double.parseDouble(result[0]) / 1000, Long.parseLong(result[1]));
        } catch (IOException e) {
            throw new UncheckedIOException("measuring " + kind + " with " + idle + " idle connections: " + e.getMessage(), e);
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

    /** The server child: {@code SelectorCost POLL|EPOLL CONNECTIONS}. */
    public static void main(String[] args) throws IOException {
        // Chosen before the first use of a selector in this JVM: the provider is fixed from then on.
        System.setProperty("java.nio.channels.spi.SelectorProvider", Kind.valueOf(args[0]).provider);
        try (ServerSocketChannel server = ServerSocketChannel.open();
             Selector selector = Selector.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
            System.out.flush();
            for (int i = Integer.parseInt(args[1]); i > 0; i--) {
                SocketChannel c = server.accept();
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ);
            }
            System.out.println("selector " + selector.getClass().getName());
            System.out.println("ready");
            System.out.flush();
            while (selector.select() == 0) { } // until the one byte arrives
            selector.selectedKeys().clear();
            timeCalls(selector, TIMED);                      // warm-up
            long[] timed = timeCalls(selector, TIMED);
            System.out.println("result " + timed[0] / timed[1] + " " + timed[1]);
            System.out.flush();
            while (System.in.read() >= 0) { }   // until the parent closes our stdin
        }
    }

    /**
     * Calls selectNow() for about {@code time} of this thread's CPU time; returns {CPU nanoseconds, calls}.
     * CPU time, not wall time: on a shared machine, other processes would add their turns to each call.
     */
    private static long[] timeCalls(Selector selector, Duration time) throws IOException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long calls = 0, start = mx.getCurrentThreadCpuTime(), end = start + time.toNanos(), now;
        do {
            for (int i = 0; i < 10; i++) {
                selector.selectNow();
                selector.selectedKeys().clear(); // the byte stays unread: the connection stays ready
            }
            calls += 10;
            now = mx.getCurrentThreadCpuTime();
        } while (now < end);
        return new long[] {now - start, calls};
    }
}
