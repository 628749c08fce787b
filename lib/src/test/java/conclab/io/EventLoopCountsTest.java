package conclab.io;

import static conclab.io.EventLoopTest.LIMIT;
import static conclab.io.EventLoopTest.awaitInSelect;
import static conclab.io.EventLoopTest.loop;
import static conclab.io.EventLoopTest.runBounded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import conclab.io.EventLoopTest.LoopThread;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What keeps an EventLoop running, and what an iteration costs: the loop counts its watched channels and its live
 * timers, and the counts stay right whoever closes the channels and cancels the timers; cancelled timers do not
 * pile up; an iteration does not look at the idle channels.
 */
class EventLoopCountsTest {
    static final Callback NEVER_READY = () -> fail("nothing was written");

    /** Waits, up to LIMIT, until {@code t} waits in a select without a timeout: the loop found a channel to wait for. */
    static void awaitWaitingForChannels(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (Arrays.stream(t.getStackTrace()).noneMatch(f -> f.getClassName().equals("sun.nio.ch.SelectorImpl")
                && f.getMethodName().equals("select"))) { // not selectNow, which the loop calls before it decides to wait
            if (System.nanoTime() - deadline > 0) fail("the loop was not waiting for channels within " + LIMIT.toSeconds() + " s");
            if (t.join(Duration.ofMillis(10))) fail("the loop ended instead of waiting for its channel");
        }
    }

    static void write(Pipe p, int b) throws IOException {
        p.sink().write(ByteBuffer.wrap(new byte[] {(byte) b}));
    }

    // ---------------------------------------------------------------- the contract: when run ends, and not before

    @Test
    void endsWhenTheLastChannelIsUnwatched() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe p = Pipe.open();
        write(p, 1);
        loop.onReadable(p.source(), () -> {
            p.source().read(ByteBuffer.allocate(1));
            loop.onReadable(p.source(), null); // still open, and registered: not watched
        });
        runBounded(loop);
        assertTrue(p.source().isOpen());
        loop.close();
        p.sink().close();
        assertEquals(List.of(), errors);
    }

    /** The example of EventLoop's javadoc: a timer closes the channel, and the loop has nothing left. */
    @Test
    void endsWhenATimerClosesTheLastChannel() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe p = Pipe.open();
        loop.onReadable(p.source(), NEVER_READY);
        loop.callLater(Duration.ofMillis(10), p.source()::close);
        runBounded(loop);
        loop.close();
        p.sink().close();
        assertEquals(List.of(), errors);
    }

    @Test
    void endsWhenACallbackClosesTheOtherChannelsAndUnwatchesItsOwn() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe ready = Pipe.open();
        write(ready, 1);
        List<Pipe> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Pipe p = Pipe.open();
            loop.onReadable(p.source(), NEVER_READY);
            others.add(p);
        }
        loop.onReadable(ready.source(), () -> {
            for (Pipe p : others) p.source().close();
            loop.onReadable(ready.source(), null);
        });
        runBounded(loop);
        loop.close();
        for (Pipe p : others) p.sink().close();
        ready.sink().close();
        assertEquals(List.of(), errors);
    }

    @Test
    void endsWhenAnotherThreadClosesTheLastChannelWhileACallbackRuns() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe p = Pipe.open();
        loop.onReadable(p.source(), NEVER_READY);
        CountDownLatch running = new CountDownLatch(1), closed = new CountDownLatch(1);
        loop.callSoon(() -> {
            running.countDown();
            closed.await(LIMIT.toSeconds(), TimeUnit.SECONDS); // blocks the loop: in a test, so that the close lands now
        });
        Thread closer = Thread.ofPlatform().name("closer").start(() -> {
            try {
                if (!running.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) return;
                p.source().close(); // from this thread, directly: the loop is not told
                closed.countDown();
            } catch (InterruptedException | IOException e) {
                throw new RuntimeException(e);
            }
        });
        runBounded(loop);
        closer.join(LIMIT);
        loop.close();
        p.sink().close();
        assertEquals(List.of(), errors);
    }

    /** A close does not wake the loop, which waits for its timer; the cancel does, and then nothing is left. */
    @Test
    void endsWhenAnotherThreadClosesTheLastChannelAndCancelsTheLastTimerWhileTheLoopWaits() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe p = Pipe.open();
        loop.onReadable(p.source(), NEVER_READY);
        TimerHandle hour = loop.callLater(Duration.ofHours(1), () -> fail("the timer was cancelled"));
        LoopThread lt = new LoopThread(loop, () -> {});
        awaitInSelect(lt.thread);
        p.source().close();
        assertTrue(hour.cancel());
        lt.join();
        loop.close();
        p.sink().close();
        assertEquals(List.of(), errors);
    }

    /**
     * What the class javadoc says of a close by another thread while the loop waits for channels alone: the loop
     * sees it when it wakes next (here: a task handed in), and ends.
     */
    @Test
    void aChannelClosedByAnotherThreadWhileTheLoopWaitsForItIsSeenAtTheNextWakeUp() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe p = Pipe.open();
        loop.onReadable(p.source(), NEVER_READY);
        LoopThread lt = new LoopThread(loop, () -> {});
        awaitWaitingForChannels(lt.thread);
        p.source().close();
        loop.callSoon(() -> {});
        lt.join();
        loop.close();
        p.sink().close();
        assertEquals(List.of(), errors);
    }

    /**
     * Another thread closes more channels than are watched, watched ones and others: the loop must recount, and
     * find the one still watched. It waits on for it, and serves it.
     */
    @Test
    void closesByAnotherThreadDoNotEndTheLoopWhileAChannelIsWatched() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        Pipe kept = Pipe.open();
        AtomicInteger keptCalls = new AtomicInteger();
        loop.onReadable(kept.source(), () -> {
            keptCalls.incrementAndGet();
            kept.source().close();
        });
        List<Pipe> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Pipe p = Pipe.open();
            loop.onReadable(p.source(), NEVER_READY);
            if (i >= 3) loop.onReadable(p.source(), null); // registered, not watched
            others.add(p);
        }
        LoopThread lt = new LoopThread(loop, () -> {});
        awaitWaitingForChannels(lt.thread);
        for (Pipe p : others) p.source().close(); // 6 keys go, 4 were watched: the loop cannot tell which
        CountDownLatch woken = new CountDownLatch(1);
        loop.callSoon(woken::countDown);
        assertTrue(woken.await(LIMIT.toSeconds(), TimeUnit.SECONDS), "the loop did not run the task");
        awaitWaitingForChannels(lt.thread); // the loop looked again, and waits for kept
        write(kept, 1);
        lt.join();
        loop.close();
        for (Pipe p : others) p.sink().close();
        kept.sink().close();
        assertEquals(1, keptCalls.get(), "the loop ended before the watched channel was ready");
        assertEquals(List.of(), errors);
    }

    /**
     * Many channels watched, unwatched, watched again, opened and closed by the loop's callbacks, and closed by
     * another thread directly, in random order; a control channel drives the steps. Between two steps the loop
     * has nothing to do but wait, so it checks its count each time: too low, it would end before the last step;
     * too high, it would not end after it.
     */
    @Test
    void theCountOfWatchedChannelsStaysRightUnderChurn() throws Exception {
        int steps = 200;
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        List<Pipe> ours = new ArrayList<>(), theirs = new ArrayList<>(), all = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 800; i++) {
            Pipe p = Pipe.open();
            loop.onReadable(p.source(), NEVER_READY);
            (i % 2 == 0 ? ours : theirs).add(p);
            all.add(p);
        }
        Pipe control = Pipe.open();
        Random random = new Random(7);
        Semaphore stepDone = new Semaphore(0);
        AtomicInteger stepsRun = new AtomicInteger();
        ByteBuffer one = ByteBuffer.allocate(1);
        loop.onReadable(control.source(), () -> {
            control.source().read(one.clear());
            if (one.get(0) == 0) {
                churn(loop, ours, all, random, stepsRun.get() % 10 == 9);
            } else { // the end: our channels closed or left unwatched, then the control channel closed
                for (Pipe p : ours) {
                    if (random.nextBoolean()) p.source().close();
                    else loop.onReadable(p.source(), null);
                }
                control.source().close();
            }
            stepsRun.incrementAndGet();
            stepDone.release();
        });
        CountDownLatch watching = new CountDownLatch(1);
        loop.callSoon(watching::countDown); // after the watches queued above: closes before them would be errors
        Thread other = Thread.ofPlatform().name("closer").start(() -> {
            try {
                if (!watching.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) return;
                List<Pipe> shuffled = new ArrayList<>(theirs);
                Collections.shuffle(shuffled, new Random(8));
                for (int step = 0; step < steps; step++) {
                    for (int k = 0; k < 4 && !shuffled.isEmpty(); k++) shuffled.removeLast().source().close();
                    write(control, 0);
                    if (!stepDone.tryAcquire(LIMIT.toSeconds(), TimeUnit.SECONDS)) return; // the loop ended or is stuck
                }
                for (Pipe p : shuffled) p.source().close();
                write(control, 1);
            } catch (InterruptedException | IOException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            runBounded(loop);
        } finally {
            other.join(LIMIT);
            loop.close();
            for (Pipe p : all) {
                p.source().close();
                p.sink().close();
            }
            control.sink().close();
        }
        assertEquals(steps + 1, stepsRun.get(), "the loop ended before it was told to");
        assertEquals(List.of(), errors);
    }

    /**
     * One step of the loop's churn: a few random changes to our channels. In a wave, all of them but two are
     * closed or unwatched at once, so that few are watched and closes make the loop recount.
     */
    private static void churn(EventLoop loop, List<Pipe> ours, List<Pipe> all, Random random, boolean wave) throws IOException {
        if (wave) {
            while (ours.size() > 2) {
                Pipe p = ours.removeLast();
                if (random.nextBoolean()) p.source().close();
                else loop.onReadable(p.source(), null);
            }
            return;
        }
        for (int k = 0; k < 6; k++) {
            Pipe p = ours.get(random.nextInt(ours.size()));
            switch (random.nextInt(4)) {
                case 0 -> loop.onReadable(p.source(), null);
                case 1 -> loop.onReadable(p.source(), NEVER_READY);
                case 2 -> {
                    if (ours.size() <= 2) continue;
                    p.source().close();
                    ours.remove(p);
                }
                default -> {
                    Pipe q = Pipe.open();
                    loop.onReadable(q.source(), NEVER_READY);
                    ours.add(q);
                    all.add(q);
                }
            }
        }
    }

    /**
     * 100 idle watched channels, and 3,000 more opened, watched and closed one an iteration by tasks, while a timer
     * is pending (so the loop never has nothing to do): the watched set drops the closed ones as it goes, and
     * never holds more cancelled keys than watched ones.
     */
    @Test
    void theWatchedSetDoesNotKeepClosedChannels() throws Exception {
        int steps = 3000;
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        List<Pipe> idle = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Pipe p = Pipe.open();
            loop.onReadable(p.source(), NEVER_READY);
            idle.add(p);
        }
        TimerHandle keeper = loop.callLater(Duration.ofHours(1), () -> fail("the timer was cancelled"));
        int[] most = {0};
        Callback[] step = new Callback[1];
        AtomicInteger stepsRun = new AtomicInteger();
        step[0] = () -> {
            most[0] = Math.max(most[0], loop.watchedEntries());
            if (stepsRun.incrementAndGet() > steps) {
                keeper.cancel();
                for (Pipe p : idle) p.source().close();
                return;
            }
            Pipe p = Pipe.open();
            loop.onReadable(p.source(), NEVER_READY);
            p.source().close();
            p.sink().close();
            loop.callSoon(step[0]); // the next iteration
        };
        loop.callSoon(step[0]);
        runBounded(loop);
        loop.close();
        for (Pipe p : idle) p.sink().close();
        assertEquals(List.of(), errors);
        assertTrue(most[0] <= 2 * 101, "100 channels watched, and the watched set held " + most[0] + " keys");
    }

    // ---------------------------------------------------------------- timers

    /**
     * A timer made on another thread is added by the loop when it runs the adding, in turn; a task queued before
     * may cancel it first, on the loop's thread. The cancelled timer must not keep the loop running.
     */
    @Test
    void aTimerCancelledOnTheLoopBeforeTheLoopAddedItDoesNotKeepItRunning() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        AtomicReference<TimerHandle> timer = new AtomicReference<>();
        loop.callSoon(() -> assertTrue(timer.get().cancel())); // queued first: runs before the timer is added
        timer.set(loop.callLater(Duration.ofHours(1), () -> fail("a cancelled timer ran")));
        runBounded(loop); // not an hour
        loop.close();
        assertTrue(timer.get().isCancelled());
        assertEquals(List.of(), errors);
    }

    /** A timer cancelled by another thread comes due before the loop runs the task that tells it so. */
    @Test
    void aTimerCancelledFromAnotherThreadAndDueBeforeTheLoopLearnsOfItNeitherRunsNorKeepsTheLoopRunning() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        AtomicInteger ran = new AtomicInteger();
        TimerHandle timer = loop.callLater(Duration.ZERO, ran::incrementAndGet);
        CountDownLatch running = new CountDownLatch(1), cancelled = new CountDownLatch(1);
        loop.callSoon(() -> {
            running.countDown();
            cancelled.await(LIMIT.toSeconds(), TimeUnit.SECONDS); // blocks the loop: in a test, so that the cancel lands now
        });
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                if (running.await(LIMIT.toSeconds(), TimeUnit.SECONDS) && timer.cancel()) cancelled.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runBounded(loop);
        canceller.join(LIMIT);
        loop.close();
        assertEquals(0, cancelled.getCount(), "cancel() of a pending timer returned false");
        assertEquals(0, ran.get());
        assertEquals(List.of(), errors);
    }

    /** An Error ends run (see EventLoop); the timers due with the one that threw it run in the next run. */
    @Test
    void anErrorInATimerEndsRunAndTheTimersDueWithItRunInTheNext() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        List<String> ran = new CopyOnWriteArrayList<>();
        loop.callLater(Duration.ZERO, () -> { throw new Error("a bug in a timer"); });
        loop.callLater(Duration.ZERO, () -> ran.add("due with it"));
        LoopThread first = new LoopThread(loop, () -> {});
        assertTrue(first.thread.join(LIMIT), "the first run did not end");
        assertEquals("a bug in a timer", first.thrown.getFirst().getMessage());
        assertEquals(List.of(), ran);
        runBounded(loop); // neither lost nor kept pending for ever
        loop.close();
        assertEquals(List.of("due with it"), ran);
        assertEquals(List.of(), errors);
    }

    /**
     * 100,000 timers made and cancelled at once, then 100,000 made and cancelled later, half by the loop and half
     * by another thread: the heap keeps at most about twice the live timers, and the loop ends with the last.
     */
    @Test
    void cancelledTimersDoNotPileUp() throws Exception {
        int n = 100_000;
        List<String> errors = new CopyOnWriteArrayList<>();
        EventLoop loop = loop(errors);
        int[] most = {0}, atEnd = {-1};
        List<TimerHandle> pending = new ArrayList<>();
        AtomicReference<TimerHandle> keeper = new AtomicReference<>();
        CountDownLatch made = new CountDownLatch(1);
        loop.callSoon(() -> {
            keeper.set(loop.callLater(Duration.ofHours(1), () -> fail("the keeper timer ran")));
            for (int i = 0; i < n; i++) {
                loop.callLater(Duration.ofHours(1), () -> fail("a cancelled timer ran")).cancel();
                most[0] = Math.max(most[0], loop.timerEntries());
            }
            for (int i = 0; i < n; i++) pending.add(loop.callLater(Duration.ofMinutes(30 + i % 60), () -> fail("a cancelled timer ran")));
            made.countDown();
            for (int i = 1; i < n; i += 2) assertTrue(pending.get(i).cancel()); // while the other thread cancels the rest
        });
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                if (!made.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) return;
                List<TimerHandle> even = new ArrayList<>();
                for (int i = 0; i < n; i += 2) even.add(pending.get(i));
                Collections.shuffle(even, new Random(3));
                for (TimerHandle t : even) if (!t.cancel()) throw new AssertionError("cancel() of a pending timer returned false");
                loop.callSoon(() -> { // after the cancels above have reached the loop
                    atEnd[0] = loop.timerEntries();
                    keeper.get().cancel();
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runBounded(loop);
        other.join(LIMIT);
        loop.close();
        assertEquals(List.of(), errors);
        assertTrue(most[0] <= 3, "one live timer, and the heap held " + most[0] + " entries");
        assertTrue(atEnd[0] >= 1 && atEnd[0] <= 2, "one live timer, and the heap held " + atEnd[0] + " entries");
    }

    // ---------------------------------------------------------------- the work of an iteration

    /**
     * 10,000 idle channels (datagram channels: one descriptor each, and this process may hold 20,000), registered
     * with the loop, and one active pipe, ready 200 times, whose callback closes a channel and opens another each
     * time. How many keys' interest or ready sets does the loop read per step? A loop that looks at every
     * channel, or that recounts every watched one at each close, reads thousands.
     */
    private static void readsPerStep(boolean idleWatched) throws Exception {
        int steps = 200;
        List<String> errors = new CopyOnWriteArrayList<>();
        RacySelector selector = new RacySelector();
        EventLoop loop = new EventLoop(selector);
        loop.onError((what, e) -> errors.add(what + ": " + e));
        List<DatagramChannel> idle = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            DatagramChannel c = DatagramChannel.open(); // unbound: never readable
            loop.onReadable(c, NEVER_READY);
            if (!idleWatched) loop.onReadable(c, null);
            idle.add(c);
        }
        Pipe active = Pipe.open();
        List<Pipe> churned = new ArrayList<>(List.of(Pipe.open()));
        loop.onReadable(churned.getFirst().source(), NEVER_READY);
        Semaphore stepDone = new Semaphore(0);
        long[] readsAt = new long[2];
        AtomicInteger stepsRun = new AtomicInteger();
        loop.onReadable(active.source(), () -> {
            active.source().read(ByteBuffer.allocate(1));
            if (stepsRun.get() == 0) readsAt[0] = selector.reads.get();
            churned.getLast().source().close();
            Pipe next = Pipe.open();
            loop.onReadable(next.source(), NEVER_READY);
            churned.add(next);
            if (stepsRun.incrementAndGet() == steps) {
                readsAt[1] = selector.reads.get();
                active.source().close();
                next.source().close();
                for (DatagramChannel c : idle) c.close(); // the loop has nothing left
            }
            stepDone.release();
        });
        Thread driver = Thread.ofPlatform().start(() -> {
            try {
                for (int step = 0; step < steps; step++) {
                    write(active, 1);
                    if (!stepDone.tryAcquire(LIMIT.toSeconds(), TimeUnit.SECONDS)) return;
                }
            } catch (InterruptedException | IOException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            runBounded(loop);
        } finally {
            driver.join(LIMIT);
            loop.close();
            active.sink().close();
            for (Pipe p : churned) {
                p.source().close();
                p.sink().close();
            }
        }
        assertEquals(steps, stepsRun.get());
        double perStep = (readsAt[1] - readsAt[0]) / (double) (steps - 1);
        assertTrue(perStep < 30, "the loop read " + perStep + " interest or ready sets per step, with "
                + (idleWatched ? "10,000 idle channels watched" : "10,000 idle channels registered, not watched"));
        assertEquals(List.of(), errors);
    }

    /** The idle channels are registered but not watched (a server that stopped reading them, say). */
    @Test
    void anIterationDoesNotLookAtIdleChannelsThatAreNotWatched() throws Exception {
        readsPerStep(false);
    }

    /** The idle channels are watched: a close costs a recount only when it could have been the last watched one. */
    @Test
    void anIterationDoesNotLookAtIdleWatchedChannelsWhenAnotherCloses() throws Exception {
        readsPerStep(true);
    }
}
