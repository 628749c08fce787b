package conclab.coro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Socket operations for code a {@link Scheduler}'s task runs, written like blocking calls: each tries the
 * non-blocking operation and, while the channel is not ready, waits for it through the scheduler
 * ({@link Scheduler#readable}, {@link Scheduler#writable}), so the thread runs other tasks meanwhile. Beazley's
 * {@code sockwrap}, or the 500-Lines crawler's {@code read(sock)}: the yields are inside, the caller's code reads
 * as if it blocked.
 *
 * <pre>{@code
 * SocketChannel channel = SocketChannel.open();
 * Io.connect(channel, address);
 * Io.writeAll(channel, ByteBuffer.wrap(request));
 * byte[] page = Io.readToEnd(channel);
 * }</pre>
 *
 * <p>Each method puts its channel in non-blocking mode if it is not: a channel in blocking mode would block the
 * thread, and with it every task. {@code read}, {@code writeAll} and {@code readToEnd} take any selectable byte
 * channel (a socket, a pipe's ends). Called outside a task, they throw
 * IllegalStateException (there is no scheduler to wait through).
 */
public final class Io {
    private Io() {}

    /** Connects {@code channel} to {@code address}, waiting for the connection if it is not made at once. */
    public static void connect(SocketChannel channel, SocketAddress address) throws IOException {
        nonBlocking(channel);
        if (channel.connect(address)) return; // at once: the javadoc allows it (Linux TCP does not, even on loopback)
        Scheduler.writable(channel);           // a connecting channel is "writable" when its connect has ended
        channel.finishConnect();               // true, or throws why it failed (refused, unreachable)
    }

    /** Accepts the next connection on {@code server}, waiting for one; it comes in non-blocking mode. */
    public static SocketChannel accept(ServerSocketChannel server) throws IOException {
        nonBlocking(server);
        while (true) {
            SocketChannel client = server.accept();
            if (client != null) {
                client.configureBlocking(false);
                return client;
            }
            Scheduler.readable(server);
        }
    }

    /**
     * Reads what has come into {@code buffer}, waiting until at least one byte has: returns how many it read, or -1
     * at the end of the stream (0 only if {@code buffer} has no room).
     */
    public static <C extends SelectableChannel & ReadableByteChannel> int read(C channel, ByteBuffer buffer)
            throws IOException {
        nonBlocking(channel);
        while (true) {
            int n = channel.read(buffer);
            if (n != 0 || !buffer.hasRemaining()) return n;
            Scheduler.readable(channel);
        }
    }

    /** Writes all of {@code buffer}, waiting whenever the channel takes no more for now. */
    public static <C extends SelectableChannel & WritableByteChannel> void writeAll(C channel, ByteBuffer buffer)
            throws IOException {
        nonBlocking(channel);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) Scheduler.writable(channel);
        }
    }

    /** Reads until the end of the stream, and returns every byte read. */
    public static <C extends SelectableChannel & ReadableByteChannel> byte[] readToEnd(C channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer piece = ByteBuffer.allocate(8192);
        while (read(channel, piece.clear()) >= 0) all.write(piece.array(), 0, piece.position());
        return all.toByteArray();
    }

    private static void nonBlocking(SelectableChannel channel) throws IOException {
        if (channel.isBlocking()) channel.configureBlocking(false);
    }
}
