package conclab.c10k;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.UnaryOperator;

/** What the servers share besides the protocol: how they are made, how they listen, how they end their threads. */
final class Servers {
    private Servers() {}

    /** The accept backlog: the kernel caps it at {@code net.core.somaxconn} (4096 here). */
    static final int BACKLOG = 4096;

    /** How long an acceptor waits after a failed accept (most often: too many open files), as asyncio does. */
    static final Duration ACCEPT_RETRY_DELAY = Duration.ofSeconds(1);

    /**
     * {@link C10kServer#start(String, int, int)}, with every thread of the server made by
     * {@code wrap.apply(the kind's own factory)}: tests record the threads, or make one fail to start.
     */
    static C10kServer start(String kind, int port, int size, UnaryOperator<ThreadFactory> wrap) throws IOException {
        if (size < 0) throw new IllegalArgumentException("a size is at least 1 (or 0 for the default), not " + size);
        if (size > 0 && !kind.equals("pool") && !kind.equals("loops"))
            throw new IllegalArgumentException(kind + " takes no size: only pool (threads) and loops (loops) do");
        return switch (kind) {
            case "threads" -> BlockingServer.threads(port, wrap.apply(platform(kind)));
            case "pool" -> BlockingServer.pool(port, size == 0 ? 200 : size, wrap.apply(platform(kind)));
            case "virtual" -> BlockingServer.virtual(port, wrap.apply(Thread.ofVirtual().name("c10k-virtual-", 0).factory()));
            case "loop" -> new LoopServer(kind, port, 0, wrap.apply(platform(kind)));
            case "loops" -> new LoopServer(kind, port, size == 0 ? Runtime.getRuntime().availableProcessors() : size,
                    wrap.apply(platform(kind)));
            case "bare" -> new BareServer(port, wrap.apply(platform(kind)));
            default -> throw new IllegalArgumentException(
                    "unknown server kind '" + kind + "': choose one of " + String.join(", ", C10kServer.KINDS));
        };
    }

    /** Platform threads named {@code c10k-KIND-0}, {@code -1}, ... */
    private static ThreadFactory platform(String kind) {
        return Thread.ofPlatform().name("c10k-" + kind + "-", 0).factory();
    }

    /** A listening channel on {@code 127.0.0.1:port} (0: any free port), blocking, backlog {@link #BACKLOG}. */
    static ServerSocketChannel listen(int port) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true); // rebinds while old connections linger
            return listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** Waits until {@code thread} has ended, even if interrupted meanwhile (the interrupt status is kept). */
    static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing was all we wanted: it is closed or gone
        }
    }

    /** Reports a failed accept on stderr: one line, what failed and what happens next. */
    static void acceptFailed(String kind, IOException e) {
        System.err.println("conclab.c10k: " + kind + " could not accept a connection (" + e.getMessage()
                + "); trying again in " + ACCEPT_RETRY_DELAY.toSeconds() + " s");
    }
}
