package conclab.c10k;

import conclab.io.EventLoop;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadFactory;

/**
 * A server on {@link EventLoop}s, the course's own, through their public API only: the kinds {@code loop} (one
 * loop accepts and serves every connection) and {@code loops} (an acceptor loop hands each connection, round robin,
 * to one of K serving loops, one per core by default). Each loop runs on a platform thread of its own.
 *
 * <p>A connection is a small object whose callbacks run on its loop's thread: when the channel is readable, read
 * (into a buffer the loop's connections share), count the requests completed, owe a response each, and write what
 * the socket takes; the rest waits until it is writable. Partial writes are kept (the bytes owed are a number, see
 * {@link Protocol}) and finished in order; while more than {@link Protocol#MAX_UNSENT} bytes are unsent, the
 * connection is not read, so a client that does not read stops being read. Once the client has closed its side
 * and every answer owed is written, the connection is closed.
 *
 * <p>Threads: the acceptor loop's thread alone accepts, and hands a connection to its loop with {@code callSoon}:
 * from then on, that loop's thread alone touches it. {@link #close} queues a stop on the acceptor loop (which
 * closes the listening socket first), waits until the loop's thread has ended and closes the loop (and with it
 * every channel it watches); then does the same for each serving loop, whose stop is queued behind every
 * connection handed to it, so none is left unclosed. A failed accept is reported and retried a second later (the
 * loop's own policy); a connection whose callback fails (reset by the client) is closed by its loop, silently.
 */
public final class LoopServer implements C10kServer {
    /** The bytes a loop reads at once, into the one buffer its connections share. */
    static final int READ_SIZE = 16 * 1024;
    /** How often an idle loop's timer fires: a loop with no channel and no timer would end its run. */
    private static final Duration KEEP_ALIVE = Duration.ofDays(1);

    /** One loop of the server: its EventLoop, the thread that runs it, the read buffer of its connections. */
    private record Loop(EventLoop events, Thread thread, ByteBuffer in) {}

    private final String name;
    /** The listening socket, watched by the acceptor loop. */
    private final ServerSocketChannel listener;
    /** The acceptor loop first, then the serving loops; with one loop, it does both. */
    private final Loop[] loops;
    /** The loops that serve connections: the acceptor alone, or all the others. */
    private final Loop[] serving;
    /** The index in serving of the loop the next connection goes to; the acceptor loop's thread only. */
    private int next;
    /** Set by the first close(); guarded by this. */
    private boolean closed;

    /** Serves on {@code servingLoops} loops beside an acceptor loop, or on one loop if it is 0. */
    LoopServer(String name, int port, int servingLoops, ThreadFactory threads) throws IOException {
        this.name = name;
        listener = Servers.listen(port);
        loops = new Loop[1 + servingLoops];
        try {
            for (int i = 0; i < loops.length; i++) loops[i] = loop(threads);
        } catch (IOException | RuntimeException | Error e) {
            for (Loop loop : loops) if (loop != null) loop.events.close();
            Servers.closeQuietly(listener);
            throw e;
        }
        serving = servingLoops == 0 ? loops : Arrays.copyOfRange(loops, 1, loops.length);
        loops[0].events.onAcceptable(listener, this::accept);
        for (Loop loop : loops) {
            loop.events.onError((what, e) -> {
                if (!(e instanceof IOException)) System.err.println("conclab.c10k: " + what + " threw " + e);
            });
            keepAlive(loop.events);
        }
        try {
            for (Loop loop : loops) loop.thread.start();
        } catch (RuntimeException | Error e) { // no thread for a loop: stop the others
            close();
            throw e;
        }
    }

    /** A new loop, and a thread to run it, not started. */
    private static Loop loop(ThreadFactory threads) throws IOException {
        EventLoop events = new EventLoop();
        try {
            return new Loop(events, threads.newThread(events::run), ByteBuffer.allocateDirect(READ_SIZE));
        } catch (RuntimeException | Error e) {
            events.close();
            throw e;
        }
    }

    /** A timer a day, made again when it fires: the serving loops run even while no connection is watched. */
    private static void keepAlive(EventLoop loop) {
        loop.callLater(KEEP_ALIVE, () -> keepAlive(loop));
    }

    /** Accepts every connection waiting, and hands each to the next serving loop; on the acceptor loop. */
    private void accept() throws IOException {
        try {
            for (SocketChannel channel; (channel = listener.accept()) != null; ) handOff(channel);
        } catch (IOException e) {
            Servers.acceptFailed(name, e);
            throw e; // the loop stops watching the listening socket for a second
        }
    }

    /** Hands {@code channel} to the next serving loop, round robin; on the acceptor loop. */
    private void handOff(SocketChannel channel) {
        Loop to = serving[next];
        next = (next + 1) % serving.length;
        to.events.callSoon(() -> serve(to, channel));
    }

    /** Starts serving {@code channel} on {@code loop}; on that loop. */
    private static void serve(Loop loop, SocketChannel channel) {
        try {
            new Connection(loop, channel);
        } catch (IOException e) { // reset before it was served
            Servers.closeQuietly(channel);
        }
    }

    /** One connection, touched by its loop's thread only. */
    private static final class Connection {
        private final EventLoop loop;
        /** The loop's read buffer, shared by its connections. */
        private final ByteBuffer in;
        private final SocketChannel channel;
        private final Protocol.Counter requests = new Protocol.Counter();
        /** Bytes of responses owed and not written yet. */
        private long unsent;
        /** Whether the client has closed its side: no more requests will come. */
        private boolean ended;
        /** Whether the channel is watched for readable, for writable. */
        private boolean reading, writing;

        Connection(Loop loop, SocketChannel channel) throws IOException {
            this.loop = loop.events;
            this.in = loop.in;
            this.channel = channel;
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            flush(); // starts reading
        }

        /** Reads what came, owes a response per request completed, writes what the socket takes. */
        private void readable() throws IOException {
            if (channel.read(in.clear()) < 0) ended = true;
            else unsent += Protocol.bytesFor(requests.count(in.flip()));
            flush();
        }

        /**
         * Writes what the socket takes of the bytes owed; closes the connection once the client has ended and
         * nothing is owed; else watches for writable while bytes are owed, and for readable while few are.
         */
        private void flush() throws IOException {
            if (unsent > 0) unsent -= channel.write(Protocol.owed(unsent));
            if (ended && unsent == 0) {
                channel.close();
                return;
            }
            boolean read = !ended && unsent <= Protocol.MAX_UNSENT, write = unsent > 0;
            if (read != reading) loop.onReadable(channel, (reading = read) ? this::readable : null);
            if (write != writing) loop.onWritable(channel, (writing = write) ? this::flush : null);
        }
    }

    @Override
    public int port() {
        return listener.socket().getLocalPort();
    }

    @Override
    public String name() {
        return name;
    }

    /** @throws IllegalStateException if called from one of the server's loops, which it would wait for */
    @Override
    public synchronized void close() {
        for (Loop loop : loops) {
            if (loop.events.runner() == Thread.currentThread())
                throw new IllegalStateException("close() called from a loop of the server, which it waits for");
        }
        if (closed) return;
        closed = true;
        for (Loop loop : loops) { // the acceptor first: once it has ended, no connection is on its way to a loop
            loop.events.callSoon(() -> {
                if (loop == loops[0]) listener.close();
                loop.events.stop();
            });
            Servers.join(loop.thread);
            loop.events.close(); // every channel it watches, and its selector
        }
    }
}
