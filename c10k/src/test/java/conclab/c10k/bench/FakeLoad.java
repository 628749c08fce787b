package conclab.c10k.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for {@code conclab.c10k.load.LoadGenerator}, honouring its command-line contract (the brief's
 * part B) for rate 0: connects N blocking sockets, prints the {@code held} line, waits for a line on stdin,
 * then on a virtual thread per connection sends a request, waits for its 78-byte answer (a timeout counts and
 * stops the connection), and again, for D seconds; prints the {@code result} line and exits. Latency
 * percentiles from a sorted array, not a histogram: it is a stand-in.
 */
public final class FakeLoad {
    static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i], args[i + 1]);
        int port = Integer.parseInt(o.get("--port")), n = Integer.parseInt(o.get("--connections"));
        int seconds = Integer.parseInt(o.getOrDefault("--seconds", "5"));
        int timeout = Integer.parseInt(o.getOrDefault("--timeout-ms", "2000"));

        long start = System.nanoTime();
        List<Socket> sockets = new ArrayList<>();
        int connectErrors = 0;
        for (int i = 0; i < n; i++) {
            try {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), timeout);
                s.setSoTimeout(timeout);
                sockets.add(s);
            } catch (IOException e) {
                connectErrors++;
            }
        }
        System.out.printf("{\"event\":\"held\",\"connections\":%d,\"held\":%d,\"connectErrors\":%d,\"ms\":%d}%n",
                n, sockets.size(), connectErrors, (System.nanoTime() - start) / 1_000_000);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();

        AtomicLong sent = new AtomicLong(), errors = new AtomicLong(), timeouts = new AtomicLong(), answered = new AtomicLong();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long cpuAtStart = conclab.threads.CpuUse.jvmCpuNanos();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (Socket s : sockets) threads.add(Thread.ofVirtual().start(() -> {
            boolean any = false;
            try {
                InputStream in = s.getInputStream();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    s.getOutputStream().write(REQUEST);
                    sent.incrementAndGet();
                    if (in.readNBytes(FakeServe.RESPONSE.length).length < FakeServe.RESPONSE.length) throw new IOException("early close");
                    latencies.add((System.nanoTime() - t) / 1000);
                    any = true;
                }
            } catch (SocketTimeoutException e) {
                timeouts.incrementAndGet();
            } catch (IOException e) {
                errors.incrementAndGet();
            }
            if (any) answered.incrementAndGet();
        }));
        for (Thread t : threads) t.join();
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "{\"event\":\"result\",\"connections\":%d,\"held\":%d,\"errors\":%d,\"timeouts\":%d,\"sent\":%d,"
                        + "\"completed\":%d,\"answeredConnections\":%d,\"seconds\":%d,\"rps\":%.1f,\"p50us\":%d,\"p99us\":%d,"
                        + "\"p999us\":%d,\"maxus\":%d,\"cpuUs\":%d}%n", n, sockets.size(), errors.get(), timeouts.get(), sent.get(), l.length,
                answered.get(), seconds, l.length / (double) seconds, at(l, 0.5), at(l, 0.99), at(l, 0.999), at(l, 1),
                (conclab.threads.CpuUse.jvmCpuNanos() - cpuAtStart) / 1000);
        System.out.flush();
        for (Socket s : sockets) s.close();
    }

    /** The {@code q} quantile of sorted values (0 if none). */
    private static long at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.clamp((long) Math.ceil(q * sorted.length) - 1, 0, sorted.length - 1)];
    }
}
