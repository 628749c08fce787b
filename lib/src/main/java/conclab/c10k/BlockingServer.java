package conclab.c10k;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A server that gives each connection a thread of its own, which blocks in {@code read} and {@code write}: the
 * kinds {@code threads}, {@code pool} and {@code virtual}. They are this one class and differ in one line, the
 * executor that runs {@link #serve} for each connection:
 *
 * <pre>{@code
 * threads:  Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())  // a platform thread each
 * pool:     Executors.newFixedThreadPool(200, Thread.ofPlatform().factory())   // 200 threads; connection 201 waits
 * virtual:  Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory())   // a virtual thread each
 * }</pre>
 *
 * <p>An acceptor thread accepts connections and hands each to the executor. A connection's thread reads, counts
 * the requests completed, and writes as many responses, calling {@code write} until every byte is written (a
 * platform thread's blocking write returns once the kernel has taken every byte; a virtual thread's may return
 * after a part, and the loop writes the rest), so a client that does not read blocks its thread in
 * {@code write}, and the thread stops reading it: the kernel keeps what was written. The thread ends when the
 * client closes the connection. In the pool, a
 * connection beyond the pool's size is accepted (by the kernel and by the acceptor) and waits in the pool's queue
 * until a thread is free, that is, until some connection closes: {@link #waiting()} counts them. A thread that
 * cannot be started ({@code OutOfMemoryError: unable to create native thread}) costs its connection, which is
 * closed at once and counted in {@link #failedStarts()}; the server goes on.
 *
 * <p>Threads: the acceptor (the first thread of the server's factory) touches the listening socket and adds to
 * the set of open connections; each connection's thread touches its own channel and buffer only, and removes its
 * channel from the set when it closes it. {@link #close} closes the listening socket (the acceptor ends), then
 * every open connection (their threads' reads and writes fail at once, and the threads end), drops the connections
 * still queued, and waits until the acceptor and every connection's thread have ended (it joins them).
 */
public final class BlockingServer implements C10kServer {
    /** The bytes a connection reads at once: its only buffer, held while its thread waits in {@code read}. */
    static final int READ_SIZE = 1024;

    private final String name;
    /** The listening socket, blocking; closed by close(), which ends the acceptor. */
    private final ServerSocketChannel listener;
    /** Runs serve(channel) for each connection: on a thread of its own, or in a fixed pool. */
    private final ExecutorService executor;
    /** Runs acceptLoop(). */
    private final Thread acceptor;
    /**
     * Every thread the server made that may be alive, for close() to join: an executor that has terminated has run
     * its last task, but its threads may still be on their way out. Weak: a live thread is reachable, so it stays;
     * a dead one is dropped by the collector.
     */
    private final Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /** The connections accepted and not closed yet: added by the acceptor, removed by their threads. */
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    /** Counts of connections accepted, given a thread, and closed for want of a thread. */
    private final AtomicLong accepted = new AtomicLong(), started = new AtomicLong(), failed = new AtomicLong();
    /** Set by the first close(); guarded by this. */
    private boolean closed;

    /** A thread per connection, made by {@code factory} (of platform threads). */
    static BlockingServer threads(int port, ThreadFactory factory) throws IOException {
        return new BlockingServer("threads", port, factory, Executors::newThreadPerTaskExecutor);
    }

    /** A fixed pool of {@code size} threads made by {@code factory}; the connections beyond wait in its queue. */
    static BlockingServer pool(int port, int size, ThreadFactory factory) throws IOException {
        return new BlockingServer("pool", port, factory, f -> Executors.newFixedThreadPool(size, f));
    }

    /** A thread per connection, made by {@code factory} (of virtual threads). */
    static BlockingServer virtual(int port, ThreadFactory factory) throws IOException {
        return new BlockingServer("virtual", port, factory, Executors::newThreadPerTaskExecutor);
    }

    /** Listens on {@code port}; runs the connections on {@code executor}, with threads made by {@code factory}. */
    private BlockingServer(String name, int port, ThreadFactory factory,
                           Function<ThreadFactory, ExecutorService> executor) throws IOException {
        this.name = name;
        listener = Servers.listen(port);
        ThreadFactory tracked = task -> {
            Thread t = factory.newThread(task);
            if (t != null) threads.add(t);
            return t;
        };
        this.executor = executor.apply(tracked);
        try {
            acceptor = tracked.newThread(this::acceptLoop);
            acceptor.start();
        } catch (RuntimeException | Error e) {
            Servers.closeQuietly(listener);
            this.executor.shutdownNow();
            throw e;
        }
    }

    /** Accepts connections and hands each to the executor, until the listening socket is closed. */
    private void acceptLoop() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return; // close() closed it
            } catch (IOException e) {
                Servers.acceptFailed(name, e);
                if (!pause()) return;
                continue;
            }
            open.add(channel);
            accepted.incrementAndGet();
            try {
                executor.execute(() -> serve(channel));
            } catch (OutOfMemoryError | RejectedExecutionException noThread) { // rejected: the factory made no thread
                failed.incrementAndGet();
                open.remove(channel);
                Servers.closeQuietly(channel);
            }
        }
    }

    /** Waits ACCEPT_RETRY_DELAY; false if close() interrupted the wait. */
    private boolean pause() {
        try {
            Thread.sleep(Servers.ACCEPT_RETRY_DELAY);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Serves one connection until the client closes it: read, count the requests completed, write as many answers. */
    private void serve(SocketChannel channel) {
        started.incrementAndGet();
        try (channel) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Protocol.Counter requests = new Protocol.Counter();
            ByteBuffer in = ByteBuffer.allocate(READ_SIZE);
            while (channel.read(in.clear()) >= 0) {
                for (long unsent = Protocol.bytesFor(requests.count(in.flip())); unsent > 0; )
                    unsent -= channel.write(Protocol.owed(unsent)); // on a virtual thread a write may take only a part
            }
        } catch (IOException e) {
            // reset by the client, or closed by close(): either way the connection is over
        } finally {
            open.remove(channel);
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

    /** Connections accepted and waiting for a thread: in the pool's queue, or not started yet. */
    public long waiting() {
        return accepted.get() - started.get() - failed.get();
    }

    /** Connections closed at once because no thread could be started for them. */
    public long failedStarts() {
        return failed.get();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Servers.closeQuietly(listener);
        acceptor.interrupt(); // ends a pause after a failed accept
        Servers.join(acceptor);
        for (SocketChannel channel : open) Servers.closeQuietly(channel);
        executor.shutdownNow(); // drops the queued connections (closed just now), interrupts the threads
        executor.close(); // waits until every task has ended
        List<Thread> made;
        synchronized (threads) {
            made = new ArrayList<>(threads);
        }
        for (Thread t : made) Servers.join(t); // and every thread
    }
}
