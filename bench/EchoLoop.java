import conclab.io.EventLoop;
import conclab.io.Transfers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * One {@link EventLoop} serving N echo clients on loopback: throughput and latency, for N = 100, 1000, 5000.
 *
 *     java -cp lib/target/conclab-lib.jar bench/EchoLoop.java        (or: ./conclab bench echo)
 *     java -cp lib/target/conclab-lib.jar bench/EchoLoop.java 100 2000   (other client counts)
 *
 * The server runs in this JVM, on one event-loop thread. The clients run in a child JVM (so that neither
 * process needs more than N file descriptors; they are capped at 20000 per process here), also on one event
 * loop: each client sends a 64-byte message, waits for its whole echo, and sends the next at once (a closed
 * loop: N messages in flight). After a 1 s warm-up, the child counts the echoes of 3 s and the time from each
 * send to the end of its echo. Both processes share the machine's cores, so the client load is part of what
 * is measured: read the figures as this machine's, not the loop's alone.
 */
public class EchoLoop {
    static final int SIZE = 64;
    static final Duration WARM_UP = Duration.ofSeconds(1), MEASURE = Duration.ofSeconds(3);

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("client")) {
            client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int[] counts = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {100, 1000, 5000};
        EventLoop loop = new EventLoop();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        loop.onAcceptable(server, () -> {
            for (SocketChannel c; (c = server.accept()) != null; ) new Echo(loop, c).start();
        });
        Thread serving = Thread.ofPlatform().name("echo server loop").start(loop::run);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();

        System.out.printf("Echo on one EventLoop thread, %d-byte messages, loopback; %s, %d cores, Java %s%n",
                SIZE, System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("server in this JVM, clients in a child JVM (one event loop too); %d s measured after %d s warm-up%n",
                MEASURE.toSeconds(), WARM_UP.toSeconds());
        System.out.printf("system load average at the start: %.1f (a load above the number of cores slows every figure)%n%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("| clients | messages/s | p50 latency | p99 latency | max latency |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (int n : counts) {
            String[] r = runClients(port, n).split(" ");
            System.out.printf("| %d | %,.0f | %.2f ms | %.2f ms | %.2f ms |%n", n, Double.parseDouble(r[0]),
                    Double.parseDouble(r[1]), Double.parseDouble(r[2]), Double.parseDouble(r[3]));
        }
        loop.callSoon(server::close); // nothing left to watch: the loop ends
        serving.join();
        loop.close();
    }

    /** Runs the clients in a child JVM; returns its result line: messages/s, p50, p99, max (ms). */
    static String runClients(int port, int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                System.getProperty("jdk.launcher.sourcefile"), "client", String.valueOf(port), String.valueOf(n))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) if (line.startsWith("RESULT ")) result = line.substring(7);
        }
        if (child.waitFor() != 0 || result == null) throw new IllegalStateException("the client JVM failed for " + n + " clients");
        return result;
    }

    // ---------------------------------------------------------------- the server: echo, with back-pressure

    /** One echoed connection: bytes read wait in pending until written; reading pauses while it is full. */
    static final class Echo {
        final EventLoop loop;
        final SocketChannel channel;
        final ByteBuffer pending = ByteBuffer.allocate(4096); // write mode
        boolean ended;

        Echo(EventLoop loop, SocketChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        void start() {
            loop.onReadable(channel, this::readable);
        }

        void readable() throws IOException {
            if (channel.read(pending) < 0) ended = true;
            if (pending.position() > 0) channel.write(pending.flip()); // most of the time, all goes at once
            else pending.flip();
            pending.compact();
            update();
        }

        void writable() throws IOException {
            channel.write(pending.flip());
            pending.compact();
            update();
        }

        void update() throws IOException {
            if (ended && pending.position() == 0) {
                channel.close();
                return;
            }
            loop.onReadable(channel, !ended && pending.hasRemaining() ? this::readable : null);
            loop.onWritable(channel, pending.position() > 0 ? this::writable : null);
        }
    }

    // ---------------------------------------------------------------- the clients (in the child JVM)

    static boolean measuring, stopping;
    static long measured;
    static long[] latencies = new long[1 << 20];
    static int latencyCount;

    static void client(int port, int n) throws Exception {
        EventLoop loop = new EventLoop();
        var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long[] window = new long[2];
        int[] arrived = {0}; // clients connected, or failed to
        Runnable arrive = () -> {
            if (++arrived[0] < n) return; // the warm-up starts when all are connected
            loop.callLater(WARM_UP, () -> { measuring = true; window[0] = System.nanoTime(); });
            loop.callLater(WARM_UP.plus(MEASURE), () -> { measuring = false; stopping = true; window[1] = System.nanoTime(); });
        };
        loop.onError((what, e) -> {
            System.err.println("client: " + what + " threw " + e);
            if (what.startsWith("connectable")) arrive.run();
        });
        for (int i = 0; i < n; i++) {
            Client c = new Client(loop);
            Transfers.connect(loop, address, ch -> {
                c.connected(ch);
                arrive.run();
            });
        }
        loop.run(); // until every client has closed after its last echo
        long[] l = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(l);
        double seconds = (window[1] - window[0]) / 1e9;
        System.out.printf("RESULT %.1f %.3f %.3f %.3f%n", measured / seconds, at(l, 0.50), at(l, 0.99), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
    }

    static double at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    /** One client: sends a message, reads its whole echo, records the time it took, and sends the next. */
    static final class Client {
        final EventLoop loop;
        final ByteBuffer out = ByteBuffer.allocate(SIZE), in = ByteBuffer.allocate(SIZE);
        SocketChannel channel;
        long sentAt;

        Client(EventLoop loop) {
            this.loop = loop;
            for (int i = 0; i < SIZE; i++) out.put((byte) i);
        }

        void connected(SocketChannel c) throws IOException {
            channel = c;
            loop.onReadable(c, this::readable);
            send();
        }

        void send() throws IOException {
            sentAt = System.nanoTime();
            channel.write(out.clear());
            if (out.hasRemaining()) loop.onWritable(channel, this::writable); // rare: a full send buffer
        }

        void writable() throws IOException {
            channel.write(out);
            if (!out.hasRemaining()) loop.onWritable(channel, null);
        }

        void readable() throws IOException {
            if (channel.read(in) < 0) throw new IOException("the server closed the connection");
            if (in.hasRemaining()) return; // the rest of the echo later
            in.clear();
            if (measuring) {
                measured++;
                if (latencyCount < latencies.length) latencies[latencyCount++] = System.nanoTime() - sentAt;
            }
            if (stopping) channel.close();
            else send();
        }
    }
}
