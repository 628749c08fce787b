package conclab.c10k;

import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The {@link LoopServer} without the loop: one thread, one {@link Selector}, no callbacks, no task queue, no
 * timers. What any one-thread server must do, so the floor that {@link conclab.io.EventLoop} is measured against.
 *
 * <p>The thread selects, and handles each ready key at once: the listening socket's by accepting every connection
 * waiting; a connection's by reading (into the one buffer of the server), counting the requests completed, owing a
 * response each, writing what the socket takes, then setting the key's interest: writable while bytes are owed,
 * readable while at most {@link Protocol#MAX_UNSENT} are and the client has not closed its side. A connection is
 * closed once its client has closed its side and nothing is owed, or when it fails (reset). A failed accept (most
 * often: too many open files) is reported, and the listening socket left unwatched for a second.
 *
 * <p>Threads: the server's thread alone touches the selector's keys, the connections and the buffer.
 * {@link #close} sets a flag and wakes the selector; the thread ends after the keys at hand; then close closes
 * every channel registered, the selector and the listening socket, and returns.
 */
public final class BareServer implements C10kServer {
    private final ServerSocketChannel listener;
    private final Selector selector;
    /** The listening socket's key. */
    private final SelectionKey accepting;
    /** The one buffer every connection is read into; the server's thread only. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(LoopServer.READ_SIZE);
    /** Runs run(). */
    private final Thread thread;
    /** When accepting resumes after a failed accept (System.nanoTime()), or 0 while it is on; the thread only. */
    private long acceptAgain;
    /** Set by close(): the thread ends. */
    private volatile boolean stopping;
    /** Set by the first close(); guarded by this. */
    private boolean closed;

    /** What the server keeps of a connection, in its key's attachment; the server's thread only. */
    private static final class Connection {
        final Protocol.Counter requests = new Protocol.Counter();
        /** Bytes of responses owed and not written yet. */
        long unsent;
        /** Whether the client has closed its side. */
        boolean ended;
    }

    BareServer(int port, ThreadFactory threads) throws IOException {
        listener = Servers.listen(port);
        try {
            selector = Selector.open();
        } catch (IOException e) {
            Servers.closeQuietly(listener);
            throw e;
        }
        try {
            accepting = listener.configureBlocking(false).register(selector, OP_ACCEPT);
            thread = threads.newThread(this::run);
            thread.start();
        } catch (IOException | RuntimeException | Error e) {
            Servers.closeQuietly(selector);
            Servers.closeQuietly(listener);
            throw e;
        }
    }

    /** Selects and handles the ready keys until close(). */
    private void run() {
        try {
            while (!stopping) {
                long wait = acceptAgain == 0 ? 0 : Math.max(1, (acceptAgain - System.nanoTime()) / 1_000_000);
                selector.select(this::handle, wait); // 0: until a key is ready (or close() wakes it)
                if (acceptAgain != 0 && System.nanoTime() - acceptAgain >= 0) {
                    acceptAgain = 0;
                    accepting.interestOps(OP_ACCEPT);
                }
            }
        } catch (IOException e) {
            System.err.println("conclab.c10k: bare: the selector failed: " + e);
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key == accepting) accept();
            else serve(key);
        } catch (IOException e) {
            if (key != accepting) Servers.closeQuietly(key.channel()); // reset by the client
            else pauseAccepting(e);
        }
    }

    private void accept() throws IOException {
        for (SocketChannel channel; (channel = listener.accept()) != null; ) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false).register(selector, OP_READ, new Connection());
        }
    }

    private void pauseAccepting(IOException e) {
        Servers.acceptFailed("bare", e);
        accepting.interestOps(0);
        acceptAgain = System.nanoTime() + Servers.ACCEPT_RETRY_DELAY.toNanos() | 1; // never 0
    }

    /** Reads if readable, writes what is owed, then closes or sets what to wait for. */
    private void serve(SelectionKey key) throws IOException {
        var channel = (SocketChannel) key.channel();
        var c = (Connection) key.attachment();
        if (key.isReadable()) {
            if (channel.read(in.clear()) < 0) c.ended = true;
            else c.unsent += Protocol.bytesFor(c.requests.count(in.flip()));
        }
        if (c.unsent > 0) c.unsent -= channel.write(Protocol.owed(c.unsent));
        if (c.ended && c.unsent == 0) {
            channel.close();
            return;
        }
        int ops = (!c.ended && c.unsent <= Protocol.MAX_UNSENT ? OP_READ : 0) | (c.unsent > 0 ? OP_WRITE : 0);
        if (key.interestOps() != ops) key.interestOps(ops);
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public String name() {
        return "bare";
    }

    /** @throws IllegalStateException if called from the server's own thread, which it would wait for */
    @Override
    public synchronized void close() {
        if (Thread.currentThread() == thread)
            throw new IllegalStateException("close() called from the server's thread, which it waits for");
        if (closed) return;
        closed = true;
        stopping = true;
        selector.wakeup();
        Servers.join(thread);
        for (SelectionKey key : selector.keys()) Servers.closeQuietly(key.channel());
        Servers.closeQuietly(selector);
        Servers.closeQuietly(listener);
    }
}
