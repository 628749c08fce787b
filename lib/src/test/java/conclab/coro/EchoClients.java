package conclab.coro;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child JVM of the scheduler's tests: N echo clients on virtual threads. All connect first; once every one is
 * connected (so that the server holds N connections at once) each sends its own line, reads its echo, ends its
 * stream and waits for the server to close. Prints "CONNECTED n" when all are connected, then "DONE ok failed".
 *
 *     java -cp ... conclab.coro.EchoClients PORT N
 */
public final class EchoClients {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]);
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        CountDownLatch connected = new CountDownLatch(n), go = new CountDownLatch(1), done = new CountDownLatch(n);
        AtomicInteger ok = new AtomicInteger(), failed = new AtomicInteger();
        AtomicInteger firstFailures = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread.ofVirtual().start(() -> {
                try (SocketChannel c = SocketChannel.open()) {
                    c.connect(server);
                    connected.countDown();
                    go.await();
                    byte[] line = ("client " + id + " says hello\n").getBytes(StandardCharsets.UTF_8);
                    c.write(ByteBuffer.wrap(line));
                    ByteBuffer echo = ByteBuffer.allocate(line.length);
                    while (echo.hasRemaining()) if (c.read(echo) < 0) throw new IOException("closed early");
                    if (!java.util.Arrays.equals(line, echo.array())) throw new IOException("wrong echo");
                    c.shutdownOutput();
                    if (c.read(ByteBuffer.allocate(1)) >= 0) throw new IOException("not closed after the end");
                    ok.incrementAndGet();
                } catch (Exception e) {
                    failed.incrementAndGet();
                    connected.countDown();
                    if (firstFailures.incrementAndGet() <= 3) System.err.println("client " + id + ": " + e);
                } finally {
                    done.countDown();
                }
            });
        }
        if (!connected.await(120, TimeUnit.SECONDS)) System.err.println("not all connected in 120 s");
        System.out.println("CONNECTED " + (n - failed.get()));
        System.out.flush();
        // The parent says when to go on: it has checked that every connection is held by a task at once.
        if (System.in.read() < 0) return;
        go.countDown();
        if (!done.await(120, TimeUnit.SECONDS)) System.err.println("not all done in 120 s");
        System.out.println("DONE " + ok.get() + " " + failed.get());
    }
}
