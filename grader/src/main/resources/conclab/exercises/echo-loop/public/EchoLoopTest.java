import conclab.grader.probe.Evidence;
import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.io.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Public tests of the echo-loop exercise: the learner may read them. */
class EchoLoopTest {
    /** How long a client waits for bytes that should come in milliseconds: generous, the machine is shared. */
    static final int WAIT_MS = 5_000;

    /** Your EchoServer on an EventLoop running on a thread of its own, listening on 127.0.0.1. */
    static final class Server implements AutoCloseable {
        final EventLoop loop = new EventLoop();
        final ServerSocketChannel channel = ServerSocketChannel.open();
        /** What the loop reported: callbacks that threw. */
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<Throwable> thrown = new CopyOnWriteArrayList<>();
        final Thread thread;

        Server() throws IOException {
            loop.onError((what, e) -> {
                errors.add(what.replaceAll("java\\.nio\\.channels\\.|sun\\.nio\\.ch\\.", "") + " threw " + e);
                thrown.add(e);
            });
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            new EchoServer(loop).serve(channel);
            thread = Thread.ofPlatform().name("event loop").daemon().start(() -> {
                try {
                    loop.run();
                } catch (Throwable e) {
                    thrown.add(e);
                    errors.add("run() threw " + e);
                }
            });
        }

        /** A blocking client, connected, whose reads give up after WAIT_MS. */
        Socket connect() throws IOException {
            return connect(0);
        }

        /** As {@link #connect()}, with a receive buffer of that many bytes (0: the system's default). */
        Socket connect(int receiveBuffer) throws IOException {
            Socket s = new Socket();
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer); // before connecting: it sets the TCP window
            s.connect(channel.getLocalAddress(), WAIT_MS);
            s.setSoTimeout(WAIT_MS);
            s.setTcpNoDelay(true);
            return s;
        }

        /** Throws "not done" if a callback threw the stub's exception; else what the loop reported, for a message. */
        String report() {
            for (Throwable e : thrown) if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
            return errors.isEmpty() ? "" : " The event loop reported: " + errors.subList(0, Math.min(3, errors.size())) + ".";
        }

        @Override
        public void close() throws Exception {
            loop.stop();
            thread.join(Duration.ofSeconds(5));
            if (!thread.isAlive()) loop.close();
        }
    }

    static byte[] pattern(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads exactly {@code n} bytes from {@code s}, failing with a message naming {@code what}. */
    static byte[] readExactly(Server server, Socket s, int n, String what) throws IOException {
        byte[] got = new byte[n];
        InputStream in = s.getInputStream();
        int have = 0;
        while (have < n) {
            int r;
            try {
                r = in.read(got, have, n - have);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("Waited " + WAIT_MS / 1000 + " s for " + what + ": got " + have + " of " + n + " bytes."
                        + server.report());
            }
            if (r < 0) {
                throw new AssertionError("The server closed the connection after " + have + " of the " + n + " bytes of " + what
                        + "." + server.report());
            }
            have += r;
        }
        return got;
    }

    /** Requires the end of the stream next on {@code s}. */
    static void expectEnd(Server server, Socket s, String when) throws IOException {
        int r;
        try {
            r = s.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The connection stayed open " + WAIT_MS / 1000 + " s after " + when + ": the server should"
                    + " close it when the client has ended its stream (read returns -1) and all is sent back." + server.report());
        }
        if (r >= 0) throw new AssertionError("After " + when + ", the server sent a byte more than the client had sent.");
    }

    static void same(byte[] expected, byte[] got, String what) {
        if (Arrays.equals(expected, got)) return;
        int i = Arrays.mismatch(expected, got);
        throw new AssertionError("The echo of " + what + " differs from what was sent, from byte " + i + " on.");
    }

    @Test
    @Property("echoes")
    void echoesAMessage() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] hello = "hello, echo".getBytes();
            c.getOutputStream().write(hello);
            same(hello, readExactly(server, c, hello.length, "\"hello, echo\""), "\"hello, echo\"");
        }
    }

    @Test
    @Property("pieces")
    void aMessageInManyPiecesComesBackWhole() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] message = pattern(2000, 1);
            for (int i = 0; i < 50; i++) {
                byte[] piece = Arrays.copyOfRange(message, i * 40, i * 40 + 40);
                c.getOutputStream().write(piece); // each piece arrives alone: the one before is echoed already
                same(piece, readExactly(server, c, 40, "piece " + (i + 1) + " of 50 (40 bytes each)"), "piece " + (i + 1));
            }
        }
    }

    @Test
    @Property("closes")
    void theServerClosesAfterTheClientEndsItsStream() throws Exception {
        try (Server server = new Server(); Socket c = server.connect()) {
            byte[] message = pattern(3000, 2);
            c.getOutputStream().write(message);
            c.shutdownOutput(); // the end of the client's stream
            same(message, readExactly(server, c, message.length, "a 3000-byte message"), "a 3000-byte message");
            expectEnd(server, c, "the client ended its stream and got its echo");
        }
    }

    @Test
    @Property("many-clients")
    void aHundredClientsAtOnce() throws Exception {
        int clients = 100;
        try (Server server = new Server()) {
            AtomicInteger firstEchoes = new AtomicInteger();
            CountDownLatch allFirst = new CountDownLatch(clients);
            Liveness.Task[] tasks = new Liveness.Task[clients];
            for (int i = 0; i < clients; i++) {
                byte[] message = pattern(5000, 100 + i);
                tasks[i] = Liveness.task("client " + (i + 1), () -> {
                    try (Socket c = server.connect()) {
                        c.getOutputStream().write(message, 0, 100);
                        same(Arrays.copyOf(message, 100), readExactly(server, c, 100, "a client's first 100 bytes"), "the first piece");
                        firstEchoes.incrementAndGet();
                        allFirst.countDown();
                        if (!allFirst.await(WAIT_MS, TimeUnit.MILLISECONDS)) {
                            throw new AssertionError("Only " + firstEchoes.get() + " of " + clients + " clients connected at once"
                                    + " got their first piece echoed within " + WAIT_MS / 1000 + " s: does a callback block"
                                    + " the loop while it serves one client?" + server.report());
                        }
                        c.getOutputStream().write(message, 100, message.length - 100);
                        c.shutdownOutput();
                        same(Arrays.copyOfRange(message, 100, message.length),
                                readExactly(server, c, message.length - 100, "the rest of a client's message"), "the rest");
                        expectEnd(server, c, "the client ended its stream");
                    }
                });
            }
            try {
                Liveness.finish(clients + " clients at once", Duration.ofSeconds(60), tasks);
            } catch (AssertionError e) {
                if (firstEchoes.get() < clients) {
                    throw new AssertionError("Only " + firstEchoes.get() + " of " + clients + " clients connected at once got"
                            + " their first piece echoed: does a callback block the loop while it serves one client?"
                            + server.report(), e);
                }
                throw e;
            }
        }
    }
}
