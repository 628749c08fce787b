package conclab.c10k.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import conclab.c10k.load.LoadGenerator;
import conclab.c10k.netty.NettyServe.Transport;
import io.netty.channel.epoll.Epoll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NettyServe speaks the lab's protocol on both transports (epoll where it is available): one request, a request
 * split anywhere, pipelined requests, a client that does not read; and its command line's lifecycle.
 */
class NettyServeTest {
    private static final Duration HANG = Duration.ofSeconds(120);
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(US_ASCII);
    private static final byte[] RESPONSE = NettyServe.RESPONSE_BYTES;

    private static NettyServe start(Transport transport, int threads) throws IOException {
        assumeTrue(transport == Transport.NIO || Epoll.isAvailable(), "epoll is not available here");
        return NettyServe.start(transport, threads, 0);
    }

    private static Socket connect(NettyServe server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) HANG.toMillis());   // a missing answer fails the test instead of hanging it
        return s;
    }

    private static byte[] responses(int n) {
        byte[] all = new byte[n * RESPONSE.length];
        for (int i = 0; i < n; i++) System.arraycopy(RESPONSE, 0, all, i * RESPONSE.length, RESPONSE.length);
        return all;
    }

    @Test
    void theResponseIsTheProtocols78Bytes() {
        assertEquals(78, RESPONSE.length);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!",
                new String(RESPONSE, US_ASCII));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersOneRequest(Transport transport) throws Exception {
        try (NettyServe server = start(transport, 1); Socket s = connect(server)) {
            assertEquals("netty-" + transport.label() + "-1", server.name());
            s.getOutputStream().write(REQUEST);
            assertArrayEquals(RESPONSE, s.getInputStream().readNBytes(RESPONSE.length));
        }
    }

    /** The request cut at every place, each cut a write of its own; the next request shows no stray bytes. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void answersARequestSplitAnywhere(Transport transport) throws Exception {
        try (NettyServe server = start(transport, 2); Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int cut = 1; cut < REQUEST.length; cut++) {
                out.write(REQUEST, 0, cut);
                out.flush();
                out.write(REQUEST, cut, REQUEST.length - cut);
                assertArrayEquals(RESPONSE, in.readNBytes(RESPONSE.length), "cut at " + cut);
            }
            for (byte b : REQUEST) out.write(b);   // a byte per write
            assertArrayEquals(RESPONSE, in.readNBytes(RESPONSE.length));
            assertEquals(0, in.available(), "exactly one response per request");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void answers100PipelinedRequestsInOrder(Transport transport) throws Exception {
        try (NettyServe server = start(transport, 1); Socket s = connect(server)) {
            byte[] hundred = new byte[100 * REQUEST.length];
            for (int i = 0; i < 100; i++) System.arraycopy(REQUEST, 0, hundred, i * REQUEST.length, REQUEST.length);
            s.getOutputStream().write(hundred);
            assertArrayEquals(responses(100), s.getInputStream().readNBytes(100 * RESPONSE.length));
            s.getOutputStream().write(REQUEST);
            assertArrayEquals(RESPONSE, s.getInputStream().readNBytes(RESPONSE.length), "and nothing more before");
        }
    }

    /**
     * A client that writes 20,000 requests before it reads: 1.5 MB of responses pile up, the server stops reading
     * until they drain, and every response still arrives, in order.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aClientThatDoesNotReadGetsEveryResponseOnceItReads(Transport transport) throws Exception {
        int n = 20_000;
        try (NettyServe server = start(transport, 1); Socket s = connect(server)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < n; i++) out.write(REQUEST);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] got = assertTimeoutPreemptively(HANG, () -> s.getInputStream().readNBytes(n * RESPONSE.length));
            writer.join();
            assertTrue(Arrays.equals(responses(n), got), "20,000 responses, in order");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void servesTheLoadGeneratorsTwoHundredConnections(Transport transport) throws Exception {
        try (NettyServe server = start(transport, 2)) {
            var options = LoadGenerator.Options.parse("--port", Integer.toString(server.port()),
                    "--connections", "200", "--seconds", "1", "--ramp-seconds", "0.2", "--timeout-ms", "20000");
            var r = assertTimeoutPreemptively(HANG, () -> LoadGenerator.run(options, held -> {}));
            assertEquals(200, r.held().held());
            assertEquals(0, r.errors() + r.timeouts());
            assertEquals(r.sent(), r.completed());
            assertEquals(200, r.answeredConnections());
        }
    }

    @Test
    void aPortInUseIsAnIOException() throws Exception {
        try (NettyServe server = start(Transport.NIO, 1)) {
            assertThrows(IOException.class, () -> NettyServe.start(Transport.NIO, 1, server.port()));
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        NettyServe server = start(Transport.NIO, 1);
        server.close();
        server.close();
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), server.port()).close());
    }

    // The command line, in child JVMs.

    /** Starts {@code NettyServe args} and reads its ready line; returns the child, its port in {@code port[0]}. */
    private static Process startChild(int[] port, String... args) throws Exception {
        Process child = childJvm(args);
        String line = assertTimeoutPreemptively(HANG,
                () -> new BufferedReader(new InputStreamReader(child.getInputStream(), US_ASCII)).readLine());
        assertTrue(line != null && line.matches("listening on 127\\.0\\.0\\.1:\\d+"), line);
        port[0] = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
        return child;
    }

    private static void assertAnswers(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout((int) HANG.toMillis());
            s.getOutputStream().write(REQUEST);
            assertArrayEquals(RESPONSE, s.getInputStream().readNBytes(RESPONSE.length));
        }
    }

    @Test
    void theMainServesUntilItsStdinEndsThenExits0() throws Exception {
        int[] port = new int[1];
        Process child = startChild(port, "nio", "--threads", "2");
        try {
            assertAnswers(port[0]);
            child.getOutputStream().close();
            assertTrue(child.waitFor(HANG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void theMainExits0OnSigterm() throws Exception {
        int[] port = new int[1];
        Process child = startChild(port, "nio");
        try {
            assertAnswers(port[0]);
            child.destroy();   // SIGTERM
            assertTrue(child.waitFor(HANG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void theMainRejectsBadInputWithOneLineAndExitCode2() throws Exception {
        try (NettyServe taken = start(Transport.NIO, 1)) {
            List<String[]> bad = List.of(new String[] {"kqueue"}, new String[] {"nio", "--threads", "0"},
                    new String[] {"nio", "--port", "x"}, new String[] {"nio", "--port", Integer.toString(taken.port())});
            for (String[] args : bad) {
                Process child = childJvm(args);
                try {
                    assertTimeoutPreemptively(HANG, () -> {
                        child.getOutputStream().close();
                        String out = new String(child.getInputStream().readAllBytes(), US_ASCII);
                        List<String> err = new String(child.getErrorStream().readAllBytes(), US_ASCII).lines()
                                .filter(l -> l.startsWith("NettyServe: ")).toList();
                        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                        assertEquals(2, child.exitValue(), String.join(" ", args));
                        assertEquals("", out);
                        assertEquals(1, err.size(), String.join(" ", args) + ": " + err);
                    });
                } finally {
                    child.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static Process childJvm(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                NettyServe.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }
}
