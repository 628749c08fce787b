package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A connection to a {@link UnixSocketServer}: {@link #ask} sends a line and returns the line it answers.
 *
 * <p>Thread-safe: {@code ask} is synchronized, so that the requests and answers of different threads do not
 * mix on the one connection (a thread that wants to ask in parallel opens a connection of its own).
 */
public final class UnixSocketClient implements AutoCloseable {
    /** The connection; its reader and writer are used only inside {@link #ask}, under this object's lock. */
    private final SocketChannel channel;
    /** The answers. */
    private final BufferedReader in;
    /** The requests. */
    private final Writer out;

    private UnixSocketClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(Channels.newReader(channel, UTF_8));
        this.out = Channels.newWriter(channel, UTF_8);
    }

    /** Connects to the server listening on the socket file {@code socket}. */
    public static UnixSocketClient connect(Path socket) {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            return new UnixSocketClient(channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + socket, e);
        }
    }

    /** Sends {@code line} (it must not hold line breaks) and returns the answer; null if the server went away. */
    public synchronized String ask(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) throw new IllegalArgumentException("a line break in " + line);
        try {
            out.write(line + "\n");
            out.flush();
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the connection. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
