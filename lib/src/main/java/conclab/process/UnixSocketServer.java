package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * A tiny line server on a Unix-domain socket, running in a child JVM: the sockets demo, and the base of
 * the {@link MapManager}.
 *
 * <pre>{@code
 * try (var server = UnixSocketServer.start();                  // a child JVM, listening on a socket file
 *      var client = UnixSocketClient.connect(server.socket())) {
 *     client.ask("hello")                                      // "HELLO"
 * }
 * }</pre>
 *
 * <p>A Unix-domain socket is a socket whose address is a path in the file system: only processes of the
 * same machine can connect (as the file's permissions allow), and the bytes never go through the network
 * stack. Unlike a pipe, it connects processes that did not start one another, and a server can have many
 * clients. In Java it is a {@link SocketChannel} of {@link StandardProtocolFamily#UNIX}, bound to a
 * {@link UnixDomainSocketAddress}.
 *
 * <p>The child's side is {@link #serve}: it accepts connections and serves each on a virtual thread of its
 * own, answering every request line with one line computed by a handler (so the handler must be
 * thread-safe). The parent's side is this class: {@link #start} makes a new temporary folder for the
 * socket file, starts the child and returns once it listens; {@link #close} ends the child and removes
 * the folder.
 */
public final class UnixSocketServer implements AutoCloseable {
    /** The server's process. */
    private final LineChild child;
    /** The socket file, alone in a folder of its own. */
    private final Path socket;

    private UnixSocketServer(LineChild child, Path socket) {
        this.child = child;
        this.socket = socket;
    }

    /** Starts a child JVM serving upper-casing ({@link #main}); returns once it listens. */
    public static UnixSocketServer start() {
        return start(UnixSocketServer.class);
    }

    /** Starts {@code main}, whose {@code main(args)} serves on the socket {@code args[0]}; returns once it listens. */
    static UnixSocketServer start(Class<?> main) {
        try {
            Path socket = Files.createTempDirectory("conclab-").resolve("socket");
            LineChild child = LineChild.start(main, socket.toString());
            String ready = child.readLine();
            if ("ready".equals(ready)) return new UnixSocketServer(child, socket);
            child.close();
            Files.deleteIfExists(socket.getParent());
            throw new IllegalStateException("child " + child.pid() + " did not start serving; it said: " + ready);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The path of the socket file: what clients connect to. */
    public Path socket() {
        return socket;
    }

    /** The process id of the server. */
    public long pid() {
        return child.pid();
    }

    /** Ends the server's process (killing it after 5 s), and removes the socket file and its folder. */
    @Override
    public void close() {
        child.close();
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The child of the demo: serves upper-casing on the socket {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        serve(Path.of(args[0]), line -> line.toUpperCase(Locale.ROOT));
    }

    /**
     * Serves on {@code socket} until stdin ends, then removes the socket file and exits the JVM: answers each
     * request line with {@code handler.apply(line)}, or {@code error} and the exception if the handler
     * throws. Prints {@code ready} on stdout once it listens.
     */
    public static void serve(Path socket, Function<String, String> handler) throws IOException {
        var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofPlatform().name("stdin-watcher").daemon().start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream()); // until stdin ends
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // stdin broke: as good as ended
            }
            System.exit(0);
        });
        System.out.println("ready");
        System.out.flush();
        while (true) {
            SocketChannel connection = server.accept();
            Thread.ofVirtual().start(() -> answer(connection, handler));
        }
    }

    /** Answers the requests of one connection until the client closes it. */
    private static void answer(SocketChannel connection, Function<String, String> handler) {
        try (connection) {
            var in = new BufferedReader(Channels.newReader(connection, UTF_8));
            Writer out = Channels.newWriter(connection, UTF_8);
            for (String line; (line = in.readLine()) != null; ) {
                out.write(apply(handler, line) + "\n");
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String apply(Function<String, String> handler, String request) {
        try {
            return handler.apply(request);
        } catch (RuntimeException e) {
            return "error " + e;
        }
    }
}
