package conclab.web;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A small web shop on this machine, for the notebooks to crawl instead of the internet: an HTTP server on
 * 127.0.0.1, on a free port, that serves the pages {@code /goods/1/} to {@code /goods/N/}, each after a
 * chosen latency.
 *
 * <pre>{@code
 * try (var shop = WebServer.start(Duration.ofMillis(500))) {
 *     String html = Web.get(shop.url(7));   // about 500 ms later
 *     Web.title(html)                       // "Goods 7"
 * }
 * }</pre>
 *
 * <p>Pages: {@code GET /goods/n/} for {@code 1 <= n <= pages} (20 by default) answers 200 with an HTML page
 * titled {@code Goods n} that links to the next three goods (wrapping around), so a crawler that starts
 * anywhere finds them all; {@code GET /} links to every goods page. Any other path answers 404, any method
 * but GET 405, and a request line that is not {@code METHOD PATH HTTP/1.x} 400. Chosen pages can answer 500
 * or close the connection without answering ({@link Builder#serverError}, {@link Builder#hangUp}).
 *
 * <p>Protocol: one request per connection. The server reads the request line and headers up to the blank
 * line (HTTP/1.0 or HTTP/1.1; a request body is not read), answers in the request's HTTP version with
 * {@code Content-Length} and {@code Connection: close}, and closes the connection; so a client may simply
 * read until the end of the stream, as a hand-written NIO client does. No keep-alive and no chunked
 * encoding: that keeps the server short, and HTTP/1.1 clients accept it.
 *
 * <p>Concurrency: a virtual thread accepts connections and starts one virtual thread per connection, which
 * reads the request, sleeps the latency, and writes the answer. A sleeping virtual thread holds no platform
 * thread, so any number of requests wait at once: 20 requests with 500 ms latency are all answered about
 * 500 ms after they arrive. {@link #close()} stops accepting, interrupts the connections' threads and closes
 * their sockets.
 *
 * <p>Observation: a request is <em>in flight</em> from the moment its head has been read to the moment just
 * before its answer is written (or its connection closed without one). That interval lies inside the
 * client's own wait for the answer, so {@link #maxInFlight()} never exceeds the number of clients that were
 * waiting at once: a crawler that allows 3 downloads at a time shows at most 3. A request is counted in
 * {@link #served()} and {@link #log()} before its answer is written, so once a client has its answer, the
 * counts include it. Counts start at {@link #start} and at each {@link #reset()}.
 *
 * <p>Thread safety: every public method may be called from any thread. The counters are atomics and the log
 * a concurrent queue, updated without a common lock: while requests run, a reader may see counters and log
 * of slightly different moments; when none runs, they agree.
 */
public final class WebServer implements AutoCloseable {
    /**
     * What the server did with one request: its path ("" if the request line was malformed), the goods number
     * in it (-1 if it is not a goods page's path), the status answered (0: closed without answering), and when
     * it came into flight and left it, since {@link #start} or the last {@link #reset()}.
     */
    public record Served(String path, int page, int status, Duration start, Duration end) {
        /** How long the request was in flight: its latency, plus the server's own few microseconds. */
        public Duration duration() {
            return end.minus(start);
        }
    }

    // Settings, fixed at start (see Builder).
    /** Goods pages 1 to pages exist. */
    private final int pages;
    /** What each request is answered. */
    private final Shop shop;
    private final IntFunction<Duration> latency;
    private final IntConsumer onRequest;

    // One thread accepts, one virtual thread per connection serves; the counters below are atomics that the
    // connections' threads update without a common lock (see the class comment).
    /** The listening socket, bound to 127.0.0.1 on a free port; closed by close(). */
    private final ServerSocket socket;
    /** Runs one virtual thread per connection; close() interrupts them all with shutdownNow. */
    private final ExecutorService connections =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("conclab-web-", 0).factory());
    /** Connections accepted and not yet closed, so that close() can close them. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Accepts connections until the socket is closed. */
    private final Thread acceptor;

    /** Requests in flight now (see the class comment). */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The most requests in flight at once since start or reset. */
    private final AtomicInteger maxInFlight = new AtomicInteger();
    /** Requests served since start or reset, whatever their answer. */
    private final AtomicInteger served = new AtomicInteger();
    /** The requests served since start or reset, in the order they finished. */
    private final Queue<Served> log = new ConcurrentLinkedQueue<>();
    /** System.nanoTime() at start or the last reset: the origin of the log's times. */
    private volatile long origin = System.nanoTime();

    private WebServer(Builder b) throws IOException {
        pages = b.pages;
        shop = new Shop(b.pages, b.serverError, b.hangUp);
        latency = b.latency;
        onRequest = b.onRequest;
        socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            // A large backlog: 100 clients connecting at once must not wait for SYN retries.
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        acceptor = Thread.ofVirtual().name("conclab-web-acceptor").start(this::acceptLoop);
    }

    /** Starts a server with the default settings: 20 pages, no latency. */
    public static WebServer start() {
        return builder().start();
    }

    /** Starts a server with 20 pages, each answered after {@code latency}. */
    public static WebServer start(Duration latency) {
        return builder().latency(latency).start();
    }

    /** A builder for a server with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on (on 127.0.0.1). */
    public int port() {
        return socket.getLocalPort();
    }

    /** The URL of goods page {@code n}: {@code http://127.0.0.1:PORT/goods/n/}. */
    public String url(int n) {
        return url() + "goods/" + n + "/";
    }

    /** The URL of the index page, which links to every goods page: {@code http://127.0.0.1:PORT/}. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** The URLs of every goods page, in order. */
    public List<String> urls() {
        return IntStream.rangeClosed(1, pages).mapToObj(this::url).toList();
    }

    /** The number of requests in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most requests that were in flight at once since start or the last {@link #reset()}. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** The number of requests served since start or the last {@link #reset()}, whatever the answer. */
    public int served() {
        return served.get();
    }

    /** The requests served since start or the last {@link #reset()}, in the order they finished. */
    public List<Served> log() {
        return List.copyOf(log);
    }

    /**
     * Starts counting afresh: no requests served, an empty log with times from now, and a maximum in flight
     * equal to the requests in flight now (0 when none is). A request running during the reset is logged
     * with a negative start.
     */
    public void reset() {
        origin = System.nanoTime();
        log.clear();
        served.set(0);
        maxInFlight.set(inFlight.get());
    }

    /**
     * Stops the server: closes the listening socket, so the port is free when this returns, and ends every
     * open connection, answered or not. Waits up to 5 seconds for the connections' threads to end. Calling it
     * again does nothing.
     */
    @Override
    public void close() {
        try {
            socket.close();
            acceptor.join(Duration.ofSeconds(5)); // after this, no connection is added to open
            connections.shutdownNow();
            for (Socket s : open) closeQuietly(s);
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "WebServer[" + url() + ", served " + served() + ", max in flight " + maxInFlight() + "]";
    }

    // ---------------------------------------------------------------- serving

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                // the socket was closed by close(), which ends the loop; or one accept failed: go on
            }
        }
    }

    /** Serves the one request of connection {@code s}, then closes it. */
    private void serve(Socket s) {
        try (s) {
            String head = Shop.readHead(new BufferedInputStream(s.getInputStream()));
            if (head == null) return; // the client closed before finishing its request: no request
            byte[] answer = handle(head);
            if (answer != null) s.getOutputStream().write(answer);
        } catch (IOException | InterruptedException e) {
            // the client went away, or close() ended the connection: nobody to answer
        } finally {
            open.remove(s);
        }
    }

    /** Handles a request with head {@code head}: in flight while it runs; returns the answer, or null to hang up. */
    private byte[] handle(String head) throws InterruptedException {
        long start = System.nanoTime();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Shop.Request r = Shop.Request.parse(head);
        int status;
        try {
            onRequest.accept(r.page());
            Duration d = latency.apply(r.page());
            if (d.isPositive()) Thread.sleep(d);
            status = shop.status(r);
        } finally {
            inFlight.decrementAndGet();
        }
        long end = System.nanoTime();
        long o = origin; // read once: a reset in between must not split the request's times
        log.add(new Served(r.path(), r.page(), status, Duration.ofNanos(start - o), Duration.ofNanos(end - o)));
        served.incrementAndGet();
        return status == Shop.HANG_UP ? null : shop.answer(r, status);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing only to end the connection: nothing more to do
        }
    }

    // ---------------------------------------------------------------- builder

    /** The settings of a server to start; not thread-safe (build it on one thread). */
    public static final class Builder {
        private int pages = 20;
        private IntFunction<Duration> latency = n -> Duration.ZERO;
        private IntPredicate serverError = n -> false;
        private IntPredicate hangUp = n -> false;
        private IntConsumer onRequest = n -> {};

        private Builder() {}

        /** Serves goods pages 1 to {@code count} (default 20). */
        public Builder pages(int count) {
            if (count < 1) throw new IllegalArgumentException("pages must be at least 1: " + count);
            pages = count;
            return this;
        }

        /** Waits {@code d} before answering each request (default: no wait). */
        public Builder latency(Duration d) {
            return latency(n -> d);
        }

        /**
         * Waits {@code perPage.apply(n)} before answering a request for goods page {@code n}; for other paths
         * (the index, unknown ones) it is called with -1. Called on the request's thread, once per request.
         */
        public Builder latency(IntFunction<Duration> perPage) {
            latency = perPage;
            return this;
        }

        /** Answers 500 Internal Server Error for these goods pages, after their latency. */
        public Builder serverError(int... pages) {
            return serverError(in(pages));
        }

        /** Answers 500 for the goods pages {@code n} where {@code fails.test(n)}, asked once per request. */
        public Builder serverError(IntPredicate fails) {
            serverError = fails;
            return this;
        }

        /** Closes the connection without answering for these goods pages, after their latency. */
        public Builder hangUp(int... pages) {
            return hangUp(in(pages));
        }

        /** Closes without answering for the goods pages {@code n} where {@code hangs.test(n)}, once per request. */
        public Builder hangUp(IntPredicate hangs) {
            hangUp = hangs;
            return this;
        }

        /**
         * Calls {@code hook} with each request's goods page (-1 for other paths) on the request's thread, once
         * the request is in flight and before its latency. It may block: tests hold requests at a barrier so
         * that they are provably in flight together. If it throws, the connection is closed without an answer,
         * the request is not logged, and the exception goes to the thread's uncaught exception handler.
         */
        public Builder onRequest(IntConsumer hook) {
            onRequest = hook;
            return this;
        }

        /** Starts the server on a free port of 127.0.0.1. */
        public WebServer start() {
            try {
                return new WebServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the web server", e);
            }
        }

        private static IntPredicate in(int... pages) {
            Set<Integer> set = IntStream.of(pages).boxed().collect(Collectors.toUnmodifiableSet());
            return set::contains;
        }
    }
}
