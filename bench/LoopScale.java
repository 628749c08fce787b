import conclab.io.EventLoop;
import conclab.io.TimerHandle;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an {@link EventLoop} iteration costs as idle connections grow: 4 active echo clients among 1,000 and
 * 10,000 idle connections, served by a bare {@link Selector} loop (the floor: what any loop must do) and by
 * EventLoop, one after the other in one run, on the same connections.
 *
 *     java -cp lib/target/conclab-lib.jar bench/LoopScale.java            (or: ./conclab bench loop)
 *     java -cp lib/target/conclab-lib.jar bench/LoopScale.java 100 5000   (other idle counts)
 *
 * The server runs in this JVM, the clients in a child JVM (so that neither process needs more than N + 10 file
 * descriptors; they are capped at 20000 per process here). The child opens N connections that never send
 * anything, then 4 active clients on one event loop, each sending a 64-byte message, waiting for its whole echo,
 * and sending the next at once. The server side of the same connections is then served in turn by:
 * <ul>
 * <li>a bare Selector loop: {@code select} with an action that reads and writes back;
 * <li>EventLoop, the idle connections watched for readable (a C10K server waiting for its clients);
 * <li>EventLoop, the idle connections registered but not watched (a server that paused them): a loop that looks
 *     for a watched channel among all its keys looks at many here;
 * <li>EventLoop with an idle timeout per connection, a one-hour timer cancelled and made again at each echo: a
 *     loop whose cancel is {@code PriorityQueue.remove} walks N timers each time.
 * </ul>
 * Each serves 1 s of warm-up, then 2 s measured: the echoes served per second, and the CPU time of the server's
 * thread per echo (user and system, so that other processes' turns do not count; a 64-byte round trip on
 * loopback costs the server a read and a write, a few microseconds). Each iteration serves one to four echoes,
 * so the CPU per echo is the loop's cost per iteration, within that factor. The four servers take turns, three
 * rounds; the table shows each one's median round (by CPU per echo), so that the JIT's first compilations and a
 * passing load on the machine fall on no one in particular. The client load shares the machine: read the
 * echoes/s as this machine's, the CPU per echo as the loop's.
 */
public class LoopScale {
    static final int SIZE = 64, ACTIVE = 4, ROUNDS = 3;
    static final Duration WARM_UP = Duration.ofSeconds(1), MEASURE = Duration.ofSeconds(2), IDLE_TIMEOUT = Duration.ofHours(1);
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("client")) {
            client(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int[] counts = args.length > 0 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {1000, 10000};
        System.out.printf("The cost of a loop iteration: %d active echo clients (%d-byte messages, loopback) among N idle"
                + " connections; %s, %d cores, Java %s%n", ACTIVE, SIZE, System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("server in this JVM, clients in a child JVM; each server loop: %d s measured after %d s warm-up,"
                + " %d rounds, the median shown%n", MEASURE.toSeconds(), WARM_UP.toSeconds(), ROUNDS);
        System.out.printf("system load average at the start: %.1f (a load above the number of cores slows every figure)%n%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("| idle connections | server loop | echoes/s | server CPU per echo | vs bare Selector |");
        System.out.println("|---:|---|---:|---:|---:|");
        for (int n : counts) {
            try (Connections c = Connections.open(n)) {
                List<List<Result>> rounds = new ArrayList<>(); // by server: its rounds
                for (int i = 0; i < 4; i++) rounds.add(new ArrayList<>());
                for (int r = 0; r < ROUNDS; r++) {
                    rounds.get(0).add(measure(new BareSelector(), c));
                    rounds.get(1).add(measure(new OnEventLoop(Mode.IDLE_WATCHED), c));
                    rounds.get(2).add(measure(new OnEventLoop(Mode.IDLE_UNWATCHED), c));
                    rounds.get(3).add(measure(new OnEventLoop(Mode.TIMEOUTS), c));
                }
                Result floor = median(rounds.get(0));
                for (List<Result> server : rounds) row(n, median(server), floor);
            }
        }
    }

    record Result(String server, double echoesPerSecond, double cpuMicrosPerEcho) {}

    /** The round whose CPU per echo is the median. */
    static Result median(List<Result> rounds) {
        List<Result> sorted = new ArrayList<>(rounds);
        sorted.sort(java.util.Comparator.comparingDouble(Result::cpuMicrosPerEcho));
        return sorted.get(sorted.size() / 2);
    }

    static void row(int idle, Result r, Result floor) {
        System.out.printf("| %,d | %s | %,.0f | %.1f us | %.2fx |%n", idle, r.server(), r.echoesPerSecond(),
                r.cpuMicrosPerEcho(), r.cpuMicrosPerEcho() / floor.cpuMicrosPerEcho());
    }

    /** Runs {@code server} on a thread of its own for the warm-up and the measure, then stops it. */
    static Result measure(Server server, Connections c) throws Exception {
        Thread thread = Thread.ofPlatform().name(server.name()).start(() -> {
            try {
                server.serve(c.idle, c.active);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(WARM_UP);
        long bytes = server.echoedBytes(), cpu = THREADS.getThreadCpuTime(thread.threadId()), start = System.nanoTime();
        Thread.sleep(MEASURE);
        long echoes = (server.echoedBytes() - bytes) / SIZE;
        cpu = THREADS.getThreadCpuTime(thread.threadId()) - cpu;
        double seconds = (System.nanoTime() - start) / 1e9;
        server.stop();
        thread.join();
        return new Result(server.name(), echoes / seconds, cpu / 1e3 / Math.max(1, echoes));
    }

    // ---------------------------------------------------------------- the connections and the client JVM

    /** The server side of N idle and ACTIVE active connections, and the child JVM at their other end. */
    record Connections(Process child, ServerSocketChannel listening, List<SocketChannel> idle, List<SocketChannel> active)
            implements AutoCloseable {
        static Connections open(int idle) throws IOException {
            ServerSocketChannel listening = ServerSocketChannel.open();
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    System.getProperty("jdk.launcher.sourcefile"), "client", String.valueOf(port), String.valueOf(idle))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<SocketChannel> all = new ArrayList<>();
            for (int i = 0; i < idle + ACTIVE; i++) { // in the order the child connects: the idle ones first
                SocketChannel c = listening.accept();
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                all.add(c);
            }
            String ready = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
            if (!"ready".equals(ready)) throw new IOException("the client JVM said " + ready);
            return new Connections(child, listening, all.subList(0, idle), all.subList(idle, all.size()));
        }

        @Override
        public void close() throws IOException {
            child.getOutputStream().close(); // the child ends when its stdin does
            for (SocketChannel c : idle) c.close();
            for (SocketChannel c : active) c.close();
            listening.close();
        }
    }

    /** The child: opens {@code idle} silent connections, then ACTIVE clients that echo until stdin ends. */
    static void client(int port, int idle) throws Exception {
        var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<SocketChannel> silent = new ArrayList<>();
        for (int i = 0; i < idle; i++) silent.add(SocketChannel.open(address));
        EventLoop loop = new EventLoop();
        for (int i = 0; i < ACTIVE; i++) {
            SocketChannel c = SocketChannel.open(address);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.configureBlocking(false);
            new Client(loop, c).send();
        }
        System.out.println("ready");
        System.out.flush();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (System.in.read() >= 0) { }
            } catch (IOException e) {
                // the parent is gone: end as well
            }
            loop.stop();
        });
        loop.run();
        loop.close();
        for (SocketChannel c : silent) c.close();
    }

    /** One active client: sends a message, reads its whole echo, sends the next. */
    static final class Client {
        final EventLoop loop;
        final SocketChannel channel;
        final ByteBuffer out = ByteBuffer.allocate(SIZE), in = ByteBuffer.allocate(SIZE);

        Client(EventLoop loop, SocketChannel channel) {
            this.loop = loop;
            this.channel = channel;
            loop.onReadable(channel, this::readable);
        }

        void send() throws IOException {
            channel.write(out.clear()); // 64 bytes into an empty send buffer: all of them
        }

        void readable() throws IOException {
            if (channel.read(in) < 0) throw new IOException("the server closed the connection");
            if (in.hasRemaining()) return;
            in.clear();
            send();
        }
    }

    // ---------------------------------------------------------------- the servers

    /** A way to serve the connections: {@link #serve} runs on its thread until {@link #stop}. */
    interface Server {
        String name();
        void serve(List<SocketChannel> idle, List<SocketChannel> active) throws IOException;
        void stop();
        /** Bytes echoed so far: written by the server's thread, read by another. */
        long echoedBytes();
    }

    /** Reads what came and writes it back: 64 bytes go into an empty send buffer at once; returns the bytes. */
    static int echo(SocketChannel c, ByteBuffer buffer) throws IOException {
        int n = c.read(buffer.clear());
        if (n <= 0) return 0;
        buffer.flip();
        while (buffer.hasRemaining()) c.write(buffer);
        return n;
    }

    /** The floor: a Selector, and an action per ready key. */
    static final class BareSelector implements Server {
        final Selector selector;
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        volatile boolean stopping;
        volatile long echoed;

        BareSelector() throws IOException {
            selector = Selector.open();
        }

        public String name() { return "bare Selector (the floor)"; }

        public void serve(List<SocketChannel> idle, List<SocketChannel> active) throws IOException {
            for (SocketChannel c : idle) c.register(selector, SelectionKey.OP_READ);
            for (SocketChannel c : active) c.register(selector, SelectionKey.OP_READ);
            while (!stopping) {
                selector.select(key -> {
                    try {
                        echoed += echo((SocketChannel) key.channel(), buffer);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            selector.close(); // deregisters the connections, which stay open for the next server
        }

        public void stop() {
            stopping = true;
            selector.wakeup();
        }

        public long echoedBytes() { return echoed; }
    }

    enum Mode { IDLE_WATCHED, IDLE_UNWATCHED, TIMEOUTS }

    /** EventLoop, a callback per active connection; the idle ones watched, or not, or with a timeout each. */
    static final class OnEventLoop implements Server {
        final EventLoop loop;
        final Mode mode;
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        volatile long echoed;

        OnEventLoop(Mode mode) throws IOException {
            this.loop = new EventLoop();
            this.mode = mode;
        }

        public String name() {
            return switch (mode) {
                case IDLE_WATCHED -> "EventLoop, idle ones watched";
                case IDLE_UNWATCHED -> "EventLoop, idle ones registered, not watched";
                case TIMEOUTS -> "EventLoop, idle ones watched, a timeout each, re-armed at each echo";
            };
        }

        public void serve(List<SocketChannel> idle, List<SocketChannel> active) throws IOException {
            for (SocketChannel c : idle) {
                loop.onReadable(c, () -> { throw new IllegalStateException("an idle connection sent something"); });
                if (mode == Mode.IDLE_UNWATCHED) loop.onReadable(c, null);
                if (mode == Mode.TIMEOUTS) loop.callLater(IDLE_TIMEOUT, c::close);
            }
            for (SocketChannel c : active) {
                TimerHandle[] timeout = {mode == Mode.TIMEOUTS ? loop.callLater(IDLE_TIMEOUT, c::close) : null};
                loop.onReadable(c, () -> {
                    echoed += echo(c, buffer);
                    if (timeout[0] == null) return;
                    timeout[0].cancel();
                    timeout[0] = loop.callLater(IDLE_TIMEOUT, c::close);
                });
            }
            loop.run(); // until stop
            // Not closed: close() would close the connections, which the next server serves. Unwatched instead, so
            // that this loop's selector no longer hears of them; a stop before run makes run do one iteration.
            for (SocketChannel c : idle) loop.onReadable(c, null);
            for (SocketChannel c : active) loop.onReadable(c, null);
            loop.stop();
            loop.run();
        }

        public void stop() { loop.stop(); }

        public long echoedBytes() { return echoed; }
    }
}
