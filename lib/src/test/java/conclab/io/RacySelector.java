package conclab.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A selector for tests, over the JDK's, whose keys lose a race on cue: {@link #closeAtNextRead} makes the next
 * read of a key's ready or interest set first close the key's channel from another thread. The key was valid a
 * moment before, so the reader meets the window that a real close from another thread hits only by chance:
 * between its {@code isValid} check and its next read, the key is cancelled and the read throws
 * {@link java.nio.channels.CancelledKeyException}, as a JDK key does.
 *
 * <p>It also counts the reads of its keys' interest and ready sets ({@link #reads}): how many keys a loop looks
 * at, to show that the work of an iteration does not grow with the number of channels.
 *
 * <p>Each of its keys holds a key of the JDK's selector, to which it leaves the work. The loop's thread alone
 * registers, selects and reads keys here, as in {@link EventLoop}.
 */
final class RacySelector extends AbstractSelector {
    /** Which read of a key closes its channel first. */
    enum Read { READY_OPS, INTEREST_OPS }

    private final Selector real;
    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> selected = new HashSet<>();
    /** The channels to close at the next such read of their key; any thread may add. */
    private final Map<SelectableChannel, Read> closeAt = new ConcurrentHashMap<>();
    /** How many times a key's interest set or ready set was read; any thread may read it. */
    final AtomicLong reads = new AtomicLong();

    RacySelector() throws IOException {
        super(SelectorProvider.provider());
        real = Selector.open();
    }

    /** Makes the next {@code read} of the key of {@code channel} close the channel first, from another thread. */
    void closeAtNextRead(SelectableChannel channel, Read read) {
        closeAt.put(channel, read);
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel channel, int ops, Object attachment) {
        Key key = new Key(channel, attachment);
        try {
            key.real = channel.register(real, ops, key);
        } catch (ClosedChannelException e) {
            throw new UncheckedIOException(e);
        }
        keys.add(key);
        return key;
    }

    @Override
    public Set<SelectionKey> keys() {
        return keys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        return selected;
    }

    @Override
    public int selectNow() throws IOException {
        dropCancelled();
        return collect(real.selectNow());
    }

    @Override
    public int select(long timeout) throws IOException {
        dropCancelled();
        return collect(real.select(timeout));
    }

    @Override
    public int select() throws IOException {
        dropCancelled();
        return collect(real.select());
    }

    /** Deregisters the keys cancelled so far: before the real select, so that it can free their channels. */
    private void dropCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            for (SelectionKey k : cancelled) {
                keys.remove(k);
                deregister((AbstractSelectionKey) k);
            }
            cancelled.clear();
        }
    }

    /** Adds the keys the real selector found ready to the selected set; returns how many were added. */
    private int collect(int ignored) {
        int added = 0;
        for (SelectionKey r : real.selectedKeys()) {
            Key k = (Key) r.attachment();
            if (k.isValid() && selected.add(k)) added++;
        }
        real.selectedKeys().clear();
        return added;
    }

    @Override
    public Selector wakeup() {
        real.wakeup();
        return this;
    }

    /**
     * Deregisters its keys, then closes the JDK's selector, which frees the descriptors of the closed channels: a
     * closed channel's descriptor is freed only once no selector holds its key.
     */
    @Override
    protected void implCloseSelector() throws IOException {
        for (SelectionKey k : keys) deregister((AbstractSelectionKey) k);
        keys.clear();
        real.close();
    }

    /** A key of this selector: the reads of {@link #readyOps} and {@link #interestOps()} may lose the race. */
    private final class Key extends AbstractSelectionKey {
        final SelectableChannel channel;
        /** The JDK's key of the channel; cancelled with this one when the channel is closed. */
        SelectionKey real;

        Key(SelectableChannel channel, Object attachment) {
            this.channel = channel;
            attach(attachment);
        }

        @Override
        public SelectableChannel channel() {
            return channel;
        }

        @Override
        public Selector selector() {
            return RacySelector.this;
        }

        @Override
        public int interestOps() {
            reads.incrementAndGet();
            race(Read.INTEREST_OPS);
            return real.interestOps(); // CancelledKeyException if the race closed the channel
        }

        @Override
        public SelectionKey interestOps(int ops) {
            real.interestOps(ops);
            return this;
        }

        @Override
        public int readyOps() {
            reads.incrementAndGet();
            race(Read.READY_OPS);
            return real.readyOps();
        }

        /** If this read is the one asked for, closes the channel from another thread, and waits until it is closed. */
        private void race(Read read) {
            if (!closeAt.remove(channel, read)) return;
            Thread closer = Thread.ofPlatform().name("closer").start(() -> {
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                closer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
