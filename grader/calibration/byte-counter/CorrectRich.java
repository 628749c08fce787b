// fails:
// Correct: a solution with many kinds of classes and first uses in the window (helper top-level classes, a nested
// static class with a private constructor, an inner class, an anonymous class, a record, an enum with a switch on it,
// a sealed interface with a pattern switch, lambdas and a method reference, static final constants (inlined and not),
// a static initialiser, string concatenation, String.format, java.util.logging and System.Logger, a direct buffer,
// a ThreadLocal); serve delegates to a private method of a private nested class.
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** What happened to a connection when it was read. */
enum Outcome { DATA, END, RESET }

/** A read's result. */
sealed interface Read permits Bytes, Ended {}
record Bytes(int n) implements Read {}
record Ended(boolean reset) implements Read {}

/** A connection's count, kept as its key's attachment. */
final class Connection {
    private long bytes;
    final SocketAddress remote;

    Connection(SocketAddress remote) {
        this.remote = remote;
    }

    void add(int n) {
        bytes += n;
    }

    long bytes() {
        return bytes;
    }
}

/** A report, built before it is given. */
record Report(SocketAddress remote, long bytes) {
    String describe() {
        return String.format("%s sent %,d bytes", remote, bytes);
    }
}

class ByteCounter {
    static final int BUFFER = 8192;                                  // inlined
    static final long STARTED = System.nanoTime();                   // not inlined: set by the static initialiser
    private static final Logger LOG = Logger.getLogger("byte-counter");
    private static final System.Logger SYSLOG = System.getLogger("byte-counter.sys");
    private static final Map<Outcome, String> WORDS = new EnumMap<>(Outcome.class);
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

    static {
        for (Outcome o : Outcome.values()) WORDS.put(o, o.name().toLowerCase());
    }

    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Loop.run(server, clients, closed);
    }

    private static final class Loop {
        private Loop() {}

        private static void run(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
            LOG.log(Level.INFO, "serving {0} clients", clients);
            SYSLOG.log(System.Logger.Level.DEBUG, "debug, not shown");
            try (Selector selector = Selector.open()) {
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
                new Object() {                                       // an anonymous class
                    int finished;

                    void loop() throws IOException {
                        while (finished < clients) {
                            selector.select();
                            if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                            Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                            while (ready.hasNext()) {
                                SelectionKey key = ready.next();
                                ready.remove();
                                if (key.isAcceptable()) accept(server, selector);
                                else if (key.isReadable()) handle(key);
                            }
                        }
                    }

                    void handle(SelectionKey key) throws IOException {
                        SocketChannel client = (SocketChannel) key.channel();
                        Connection c = (Connection) key.attachment();
                        Read r = read(client);
                        Outcome o = switch (r) {
                            case Bytes b -> { c.add(b.n()); yield Outcome.DATA; }
                            case Ended e when e.reset() -> Outcome.RESET;
                            case Ended e -> Outcome.END;
                        };
                        switch (o) {
                            case DATA -> { }
                            case END, RESET -> {
                                Report report = new Report(c.remote, c.bytes());
                                LOG.fine(() -> report.describe() + " (" + WORDS.get(o) + ")");
                                System.out.println(report.describe() + ", " + WORDS.get(o) + " after "
                                        + (System.nanoTime() - STARTED > 0 ? "some" : "no") + " time");
                                closed.accept(report.remote(), report.bytes());
                                client.close();
                                finished++;
                            }
                        }
                    }
                }.loop();
            }
        }

        private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
            SocketChannel client = server.accept();
            if (client == null) return;
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ, new Connection(client.getRemoteAddress()));
        }

        private static Read read(SocketChannel client) {
            ByteBuffer buffer = BUFFERS.get().clear();
            try {
                int n = client.read(buffer);
                return n < 0 ? new Ended(false) : new Bytes(n);
            } catch (IOException e) {
                return new Ended(true);
            }
        }
    }
}
