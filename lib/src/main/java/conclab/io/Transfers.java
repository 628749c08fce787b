package conclab.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The three steps of a client on an {@link EventLoop}, each ending in a callback: connect, write a whole buffer,
 * read until the end of the stream. Chained, they fetch a page:
 *
 * <pre>{@code
 * Transfers.connect(loop, address, channel ->
 *     Transfers.writeAll(loop, channel, ByteBuffer.wrap(request), () ->
 *         Transfers.readToEnd(loop, channel, page -> pages.add(new String(page)))));
 * loop.run();
 * }</pre>
 *
 * <p>Each step watches the channel for what it needs and stops watching when it is done, so the loop ends once
 * every transfer has ended. The steps may be started from any thread; their callbacks run on the loop's thread.
 * A step that fails (connection refused, reset) throws in its callback: the loop reports it and closes the
 * channel, and the step's {@code then} is not called.
 */
public final class Transfers {
    /** What to do with the result of a step; it runs on the loop's thread and may throw, like a {@link Callback}. */
    @FunctionalInterface
    public interface Then<T> {
        void accept(T result) throws Exception;
    }

    private Transfers() {}

    /**
     * Opens a non-blocking socket channel, connects it to {@code address}, and calls {@code then} with it once it
     * is connected. Throws IOException if the channel cannot be opened or the connect fails at once.
     */
    public static void connect(EventLoop loop, SocketAddress address, Then<SocketChannel> then) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        if (channel.connect(address)) { // connected at once: the javadoc allows it (Linux TCP does not, even on loopback)
            loop.callSoon(() -> then.accept(channel));
            return;
        }
        loop.onConnectable(channel, () -> {
            channel.finishConnect(); // true: a connectable channel is done connecting, or this throws why not
            loop.onConnectable(channel, null);
            then.accept(channel);
        });
    }

    /**
     * Writes all of {@code buffer} to {@code channel}, a piece each time the channel can take more (a socket
     * takes what fits in its send buffer), then calls {@code then}.
     */
    public static void writeAll(EventLoop loop, SocketChannel channel, ByteBuffer buffer, Callback then) {
        loop.onWritable(channel, () -> {
            channel.write(buffer);
            if (buffer.hasRemaining()) return; // the rest when the channel is writable again
            loop.onWritable(channel, null);
            then.run();
        });
    }

    /**
     * Reads {@code channel} until the end of the stream, in whatever pieces the bytes come, then calls
     * {@code then} with all of them. The channel stays open (close it in {@code then}).
     */
    public static void readToEnd(EventLoop loop, SocketChannel channel, Then<byte[]> then) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteBuffer piece = ByteBuffer.allocate(8192);
        loop.onReadable(channel, () -> {
            int n = channel.read(piece.clear());
            if (n > 0) received.write(piece.array(), 0, n);
            if (n >= 0) return; // more to come
            loop.onReadable(channel, null);
            then.accept(received.toByteArray());
        });
    }
}
