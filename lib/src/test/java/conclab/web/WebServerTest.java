package conclab.web;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WebServerTest {
    /** How long any wait in these tests may take before the test fails instead of hanging. */
    private static final long LIMIT_SECONDS = 30;

    @Test
    void aGoodsPageIsHtmlTitledWithItsNumberAndLinksToTheNextGoods() throws IOException {
        try (var server = WebServer.start()) {
            String answer = raw(server.port(), "GET /goods/7/ HTTP/1.1\r\nHost: localhost\r\n\r\n");
            String head = answer.substring(0, answer.indexOf("\r\n\r\n"));
            String body = answer.substring(head.length() + 4);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("\r\nContent-Type: text/html; charset=utf-8"), head);
            assertTrue(head.contains("\r\nContent-Length: " + body.getBytes(ISO_8859_1).length), head);
            assertTrue(head.contains("\r\nConnection: close"), head);
            assertEquals("Goods 7", Web.title(body));
            assertEquals(List.of(server.url(8), server.url(9), server.url(10)), Web.links(server.url(7), body));
        }
    }

    @Test
    void aRawHttp10RequestIsAnsweredInHttp10AndTheConnectionClosed() throws IOException {
        try (var server = WebServer.start()) {
            String request = "GET /goods/7/ HTTP/1.0\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n";
            String answer = raw(server.port(), request);
            assertTrue(answer.startsWith("HTTP/1.0 200 OK\r\n"), answer);
            assertTrue(answer.endsWith("</html>\n"), answer); // read until EOF: the whole page came
            assertEquals("Goods 7", Web.title(answer));
        }
    }

    @Test
    void linksWrapAroundSoACrawlerFromTheIndexFindsEveryPage() {
        try (var server = WebServer.builder().pages(5).start()) {
            assertEquals(List.of(server.url(5), server.url(1), server.url(2)),
                    Web.links(server.url(4), Web.get(server.url(4))));
            server.reset();
            Set<String> seen = new HashSet<>(List.of(server.url()));
            var todo = new ArrayDeque<>(seen);
            while (!todo.isEmpty()) {
                String url = todo.remove();
                for (String link : Web.links(url, Web.get(url))) if (seen.add(link)) todo.add(link);
            }
            seen.remove(server.url());
            assertEquals(new HashSet<>(server.urls()), seen);
            assertEquals(6, server.served()); // each page once
        }
    }

    @Test
    void unknownPathsAnswer404() {
        try (var server = WebServer.start()) {
            String base = server.url();
            for (String path : List.of("nothing", "goods/0/", "goods/21/", "goods/x/", "goods/7/more")) {
                var failure = assertThrows(Web.Failure.class, () -> Web.get(base + path));
                assertEquals(404, failure.status(), path);
                assertTrue(failure.getMessage().contains("404"), failure.getMessage());
            }
            assertEquals("Goods 20", Web.title(Web.get(server.url(20))));
            assertEquals("Goods 3", Web.title(Web.get(base + "goods/3"))); // the final slash is optional
        }
    }

    @Test
    void otherMethodsAnswer405AndMalformedRequests400() throws IOException {
        try (var server = WebServer.start()) {
            assertTrue(raw(server.port(), "POST /goods/1/ HTTP/1.0\r\n\r\n").startsWith("HTTP/1.0 405 "));
            assertTrue(raw(server.port(), "hello\r\n\r\n").startsWith("HTTP/1.1 400 "));
            assertTrue(raw(server.port(), "GET /goods/1/\n\n").startsWith("HTTP/1.1 400 ")); // HTTP/0.9: no
            assertEquals(List.of(405, 400, 400), server.log().stream().map(WebServer.Served::status).toList());
        }
    }

    @Test
    void chosenPagesAnswer500AndTheOthersAreStillServed() throws Exception {
        try (var server = WebServer.builder().serverError(3, 5).latency(Duration.ofMillis(50)).start()) {
            Map<Integer, String> results = fetchAll(server, 10);
            for (int n = 1; n <= 10; n++) {
                String expected = n == 3 || n == 5 ? "status 500" : "Goods " + n;
                assertEquals(expected, results.get(n));
            }
            var statuses = new TreeMap<Integer, Integer>();
            for (var s : server.log()) statuses.put(s.page(), s.status());
            assertEquals(500, statuses.get(3));
            assertEquals(200, statuses.get(4));
        }
    }

    @Test
    void failingPagesCanBeChosenByAPredicate() throws Exception {
        try (var server = WebServer.builder().serverError(n -> n % 2 == 0).start()) {
            Map<Integer, String> results = fetchAll(server, 6);
            assertEquals(List.of("Goods 1", "status 500", "Goods 3", "status 500", "Goods 5", "status 500"),
                    List.copyOf(new TreeMap<>(results).values()));
        }
    }

    @Test
    void chosenPagesHangUpWithoutAnswering() throws IOException {
        try (var server = WebServer.builder().hangUp(4).start()) {
            var failure = assertThrows(Web.Failure.class, () -> Web.get(server.url(4)));
            assertEquals(0, failure.status());
            assertEquals("", raw(server.port(), "GET /goods/4/ HTTP/1.0\r\n\r\n"));
            assertEquals("Goods 5", Web.title(Web.get(server.url(5))));
            assertEquals(List.of(0, 0, 200), server.log().stream().map(WebServer.Served::status).toList());
            assertEquals(3, server.served()); // Web.get asked once: it does not retry
        }
    }

    @Test
    void latencyIsAppliedToEachRequestAndConcurrently() throws Exception {
        try (var server = WebServer.start(Duration.ofMillis(300))) {
            long start = System.nanoTime();
            Map<Integer, String> results = fetchAll(server, 20);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(20, results.size());
            results.forEach((n, title) -> assertEquals("Goods " + n, title));
            assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, took.toString());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, took + ", not 20 x 300 ms = 6 s");
            for (var s : server.log()) assertTrue(s.duration().toMillis() >= 300, s.toString());
        }
    }

    @Test
    void latencyCanDependOnThePage() {
        Set<Integer> asked = ConcurrentHashMap.newKeySet();
        IntFunction<Duration> latency = n -> {
            asked.add(n);
            return n == 2 ? Duration.ofMillis(400) : Duration.ZERO;
        };
        try (var server = WebServer.builder().latency(latency).start()) {
            Web.get(server.url(1));
            Web.get(server.url(2));
            Web.get(server.url());
            assertEquals(Set.of(1, 2, -1), asked);
            assertTrue(server.log().get(1).duration().toMillis() >= 400, server.log().toString());
        }
    }

    @Test
    void maxInFlightCountsRequestsHeldTogetherAndResets() throws Exception {
        var barrier = new CyclicBarrier(10);
        try (var server = WebServer.builder().onRequest(n -> await(barrier)).start()) {
            Map<Integer, String> results = fetchAll(server, 10); // each request waits until all 10 are in flight
            assertEquals(10, results.size());
            assertEquals(10, server.maxInFlight());
            assertEquals(0, server.inFlight());
            assertEquals(10, server.served());
            assertEquals(10, server.log().size());

            server.reset();
            assertEquals(0, server.maxInFlight());
            assertEquals(0, server.served());
            assertEquals(List.of(), server.log());
        }
        try (var server = WebServer.start()) {
            Web.get(server.url(1));
            Web.get(server.url(2));
            assertEquals(1, server.maxInFlight()); // one after the other
            var log = server.log();
            assertEquals(List.of(1, 2), log.stream().map(WebServer.Served::page).toList());
            assertTrue(log.get(0).end().compareTo(log.get(1).start()) <= 0, log.toString());
        }
    }

    @Test
    void aSemaphoreOfThreeShowsAtMostThreeInFlightOnTheServer() throws Exception {
        var permits = new Semaphore(3);
        try (var server = WebServer.start(Duration.ofMillis(20));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> pages = new ArrayList<>();
            for (String url : server.urls()) pages.add(pool.submit(() -> {
                permits.acquire();
                try {
                    return Web.get(url);
                } finally {
                    permits.release();
                }
            }));
            for (var page : pages) page.get(LIMIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(20, server.served());
            assertTrue(server.maxInFlight() <= 3, server.toString());
            assertTrue(server.maxInFlight() >= 1, server.toString());
        }
    }

    @Test
    void closeFreesThePortAndEndsOpenConnections() throws Exception {
        var arrived = new CountDownLatch(1);
        var server = WebServer.builder().latency(Duration.ofMinutes(10)).onRequest(n -> arrived.countDown()).start();
        int port = server.port();
        try (var waiting = connect(port); var idle = connect(port)) {
            waiting.getOutputStream().write("GET /goods/1/ HTTP/1.0\r\n\r\n".getBytes(ISO_8859_1));
            assertTrue(arrived.await(LIMIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(1, server.inFlight());

            long start = System.nanoTime();
            server.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close waited for the latency");
            server.close(); // again: nothing happens
            assertEquals(0, server.inFlight());
            assertEnded(waiting);
            assertEnded(idle);
        }
        assertThrows(ConnectException.class, () -> connect(port).close());
        try (var again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    @Test
    void aHundredConcurrentClientsAllGetTheirPage() throws Exception {
        var go = new CountDownLatch(1);
        try (var server = WebServer.builder().pages(100).latency(Duration.ofMillis(200)).start();
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> titles = new ArrayList<>();
            for (String url : server.urls()) titles.add(pool.submit(() -> {
                go.await();
                return Web.title(Web.get(url));
            }));
            go.countDown();
            for (int n = 1; n <= 100; n++)
                assertEquals("Goods " + n, titles.get(n - 1).get(LIMIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(100, server.served());
        }
    }

    @Test
    void aSelectorLoopOnOneThreadFetchesTwentySlowPagesAtOnce() throws IOException {
        try (var server = WebServer.start(Duration.ofMillis(500)); Selector selector = Selector.open()) {
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            long start = System.nanoTime();
            for (int n = 1; n <= 20; n++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.connect(address);
                String request = "GET /goods/" + n + "/ HTTP/1.0\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n";
                var fetch = new Fetch(n, ByteBuffer.wrap(request.getBytes(ISO_8859_1)));
                ch.register(selector, SelectionKey.OP_CONNECT, fetch);
            }
            Map<Integer, String> answers = new TreeMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
            while (answers.size() < 20 && System.nanoTime() < deadline) {
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) step(key, answers);
                selector.selectedKeys().clear();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(20, answers.size());
            answers.forEach((n, answer) -> {
                assertTrue(answer.startsWith("HTTP/1.0 200 OK"), answer);
                assertEquals("Goods " + n, Web.title(answer));
            });
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, took + ", not 20 x 500 ms = 10 s");
        }
    }

    @Test
    void theJdkHttpClientIsAnsweredInHttp11() throws Exception {
        try (var server = WebServer.start(); var client = HttpClient.newHttpClient()) {
            var request = HttpRequest.newBuilder(URI.create(server.url(2)))
                    .timeout(Duration.ofSeconds(LIMIT_SECONDS)).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("Goods 2", Web.title(response.body()));
            assertEquals(1, server.served());
        }
    }

    @Test
    void itsStringSaysWhereItIsAndWhatItServed() {
        try (var server = WebServer.start()) {
            Web.get(server.url(1));
            assertEquals("WebServer[http://127.0.0.1:" + server.port() + "/, served 1, max in flight 1]",
                    server.toString());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Fetches goods 1 to {@code count} at once; each page's title, or "status N" for a failure. */
    private static Map<Integer, String> fetchAll(WebServer server, int count) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> titles = IntStream.rangeClosed(1, count).mapToObj(n -> pool.submit(() -> {
                try {
                    return Web.title(Web.get(server.url(n)));
                } catch (Web.Failure f) {
                    return "status " + f.status();
                }
            })).toList();
            Map<Integer, String> results = new TreeMap<>();
            for (int n = 1; n <= count; n++)
                results.put(n, titles.get(n - 1).get(LIMIT_SECONDS, TimeUnit.SECONDS));
            return results;
        }
    }

    /** Sends {@code request} over a new connection to {@code port} and reads the answer until the server closes. */
    private static String raw(int port, String request) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write(request.getBytes(ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), ISO_8859_1);
        }
    }

    private static Socket connect(int port) throws IOException {
        var s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT_SECONDS));
        return s;
    }

    /** Asserts that the server ended connection {@code s}: reading it meets the end or a reset, not a timeout. */
    private static void assertEnded(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read());
        } catch (SocketException e) {
            // a reset: ended too (java.net.SocketTimeoutException is not a SocketException)
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the requests did not all arrive", e);
        }
    }

    /** One page download of the selector loop: the request still to send, then the answer so far. */
    private record Fetch(int page, ByteBuffer request, ByteArrayOutputStream answer) {
        Fetch(int page, ByteBuffer request) {
            this(page, request, new ByteArrayOutputStream());
        }
    }

    /** Advances the download of {@code key} as its channel is ready; puts a finished answer in {@code answers}. */
    private static void step(SelectionKey key, Map<Integer, String> answers) throws IOException {
        var ch = (SocketChannel) key.channel();
        var fetch = (Fetch) key.attachment();
        if (key.isConnectable() && ch.finishConnect()) key.interestOps(SelectionKey.OP_WRITE);
        else if (key.isWritable()) {
            ch.write(fetch.request());
            if (!fetch.request().hasRemaining()) key.interestOps(SelectionKey.OP_READ);
        } else if (key.isReadable()) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            int read = ch.read(buffer);
            if (read < 0) {
                ch.close();
                answers.put(fetch.page(), fetch.answer().toString(UTF_8));
            } else {
                fetch.answer().write(buffer.array(), 0, read);
            }
        }
    }
}
