package conclab.c10k;

import java.io.IOException;
import java.util.List;

/**
 * A server of the C10K lab: it listens on {@code 127.0.0.1} and answers every request of the {@link Protocol}
 * until it is closed. Six kinds, one concurrency strategy each:
 *
 * <table>
 * <caption>The kinds</caption>
 * <tr><th>kind</th><th>how it waits for its clients</th><th>class</th></tr>
 * <tr><td>{@code threads}</td><td>a platform thread per connection, blocking</td><td>{@link BlockingServer}</td></tr>
 * <tr><td>{@code pool}</td><td>a fixed pool of platform threads (200), blocking</td><td>{@link BlockingServer}</td></tr>
 * <tr><td>{@code virtual}</td><td>a virtual thread per connection, blocking</td><td>{@link BlockingServer}</td></tr>
 * <tr><td>{@code loop}</td><td>one {@link conclab.io.EventLoop}, callbacks</td><td>{@link LoopServer}</td></tr>
 * <tr><td>{@code loops}</td><td>an acceptor loop and one loop per core</td><td>{@link LoopServer}</td></tr>
 * <tr><td>{@code bare}</td><td>one bare {@link java.nio.channels.Selector} loop, no callbacks: the floor</td>
 *     <td>{@link BareServer}</td></tr>
 * </table>
 *
 * <pre>{@code
 * try (C10kServer server = C10kServer.start("loop", 0)) {   // 0: any free port
 *     ... connect to 127.0.0.1:server.port() ...
 * }                                                          // nothing of the server is left
 * }</pre>
 *
 * <p>Every server binds with a backlog of 4096, sets {@code TCP_NODELAY} on its connections, and closes a
 * connection once its client has closed it and every answer owed is written. {@link #close} may be called from any
 * thread but the server's own.
 */
public interface C10kServer extends AutoCloseable {
    /** The kinds, in the order the lab shows them. */
    List<String> KINDS = List.of("threads", "pool", "loop", "loops", "bare", "virtual");

    /** The port it listens on, on 127.0.0.1. */
    int port();

    /** Its kind: one of {@link #KINDS}. */
    String name();

    /**
     * Closes the listening socket and every connection, and waits until every thread of the server has ended; after
     * it returns, nothing of the server is left and its port is free. Idempotent; a second call waits for the first.
     */
    @Override
    void close();

    /** Starts a server of {@code kind} with its defaults; see {@link #start(String, int, int)}. */
    static C10kServer start(String kind, int port) throws IOException {
        return start(kind, port, 0);
    }

    /**
     * Starts a server of {@code kind}, listening on {@code 127.0.0.1:port} (0: any free port) when this returns.
     * {@code size} is the number of threads of {@code pool} (default 200) or of serving loops of {@code loops}
     * (default: one per core); 0 means the default, and other kinds take none.
     *
     * @throws IllegalArgumentException if the kind is unknown (the message lists the known ones) or the size is
     *         negative or given to a kind that takes none
     * @throws IOException if the server cannot listen there (the port is in use, say)
     */
    static C10kServer start(String kind, int port, int size) throws IOException {
        return Servers.start(kind, port, size, factory -> factory);
    }
}
