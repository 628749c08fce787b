package conclab.io;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The child JVM of {@link AcceptUnderDescriptorLimitTest}, started with a tiny descriptor limit: an echo server on
 * an {@link EventLoop}. It prints {@code port N} on stdout, then a line {@code error: ...} for each error the loop
 * reports, and ends when its stdin ends.
 */
public final class DescriptorLimitedServer {
    private DescriptorLimitedServer() {}

    public static void main(String[] args) throws Exception {
        EventLoop loop = new EventLoop();
        loop.onError((what, e) -> System.out.println("error: " + what + " threw " + e));
        // Load now the classes a failed accept needs: classes come from a folder, one open file each, and there
        // is no descriptor left to open one once accept fails for want of descriptors.
        loop.callLater(Duration.ZERO, () -> {}).cancel();
        new IOException("warm-up").toString();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        loop.onAcceptable(server, () -> {
            SocketChannel c = server.accept();
            if (c != null) echo(loop, c);
        });
        System.out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
        Thread.ofPlatform().daemon().start(() -> {
            try {
                System.in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the parent is gone: end as well
            }
            loop.stop();
        });
        loop.run();
        loop.close();
    }

    /** Sends back what {@code c} sends, a few bytes at a time (the test's messages are small); closes at its end. */
    static void echo(EventLoop loop, SocketChannel c) {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        loop.onReadable(c, () -> {
            if (c.read(buffer.clear()) < 0) {
                c.close();
                return;
            }
            c.write(buffer.flip()); // a few bytes: the socket's send buffer takes them all
        });
    }
}
