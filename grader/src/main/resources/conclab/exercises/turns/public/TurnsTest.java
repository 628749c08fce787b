import conclab.grader.probe.Liveness;
import conclab.grader.probe.HeldLocks;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Public tests of the turns exercise: the learner may read them. */
class TurnsTest {
    /**
     * Runs {@code players} threads for {@code rounds} rounds each (wait for the turn, log, done) and checks
     * that the log is 0, 1, ..., n-1, 0, 1, ...; a hang fails with what each thread was doing.
     */
    static void play(int players, int rounds) {
        Turns turns = new Turns(players);
        List<Integer> log = new CopyOnWriteArrayList<>();
        Liveness.Task[] tasks = new Liveness.Task[players];
        for (int p = 0; p < players; p++) {
            int me = p;
            tasks[p] = Liveness.task("player " + p, () -> {
                for (int r = 0; r < rounds; r++) {
                    turns.waitForTurn(me);
                    log.add(me);
                    turns.done(me);
                }
            });
        }
        Liveness.finish(players + " players taking " + rounds + " turns each", Duration.ofSeconds(10), tasks);
        check(log, players, rounds);
    }

    static void check(List<Integer> log, int players, int rounds) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i) != i % players) {
                List<Integer> around = log.subList(Math.max(0, i - 4), Math.min(log.size(), i + 3));
                throw new AssertionError("Turn " + (i + 1) + " was player " + log.get(i) + "'s, but it was player "
                        + (i % players) + "'s turn (the turns around it: " + around + ").");
            }
        }
        if (log.size() != players * rounds) throw new AssertionError(log.size() + " turns were taken, not " + players * rounds + ".");
    }

    /**
     * First one step that no scheduling can hide: after player 0's turn, player 0 asking again must wait, since the
     * turn is player 1's (a version with no turn variable returns at once); then two players take 50 turns each. The
     * rounds alone can pass such a version: on a busy machine the woken player may run the moment it is signalled,
     * every time, and the two alternate by luck.
     */
    @Test
    @Property("two-take-turns")
    void twoTakeTurns() {
        Turns turns = new Turns(2);
        try {
            turns.waitForTurn(0);
            turns.done(0);
            Waiting again = Waiting.start("After player 0's turn, player 0 asking for another before player 1 has"
                    + " played (the turn is player 1's: keep track of whose turn it is, and wait while it is not yours)", () -> { turns.waitForTurn(0); return null; });
            again.parks(Duration.ofSeconds(5)); // fails if it returned; one that keeps running is no-busy-wait's to report
            turns.waitForTurn(1); // player 1 plays: player 0's turn again, and the waiting call returns
            turns.done(1);
            again.returns(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            throw new AssertionError("the check was interrupted", e);
        }
        play(2, 50);
    }

    /**
     * Player 1 starts first and must sleep until its turn; after player 0's turn it must wake; while it holds
     * its turn, player 0 asking again must wait. Each step is awaited, so timing plays no part.
     */
    @Test
    @Property("start-order")
    void startOrder() throws InterruptedException {
        Turns turns = new Turns(2);
        CountDownLatch inTurn = new CountDownLatch(1), release = new CountDownLatch(1);
        Waiting second = Waiting.start("player 1", () -> {
            turns.waitForTurn(1);
            inTurn.countDown();
            release.await();
            turns.done(1);
            return null;
        });
        if (!second.parks(Duration.ofSeconds(5))) {
            throw new AssertionError("Player 1, started first, should sleep until its turn; it did not (it kept running).");
        }
        turns.waitForTurn(0);
        turns.done(0);
        if (!inTurn.await(10, TimeUnit.SECONDS)) {
            release.countDown();
            throw new AssertionError("Player 0 took its turn and called done(0), and player 1 was not woken within 10 s.");
        }
        Waiting again = Waiting.start("player 0 asking for its next turn", () -> { turns.waitForTurn(0); return null; });
        boolean waited = again.parks(Duration.ofSeconds(5)) && !again.done(); // a busy machine: up to 5 s to park
        release.countDown();
        if (!waited) {
            again.returns(Duration.ofSeconds(10));
            throw new AssertionError("While player 1 still had its turn, waitForTurn(0) returned: player 0 got two turns"
                    + " in a row. Keep track of whose turn it is, and wait while it is not yours.");
        }
        again.returns(Duration.ofSeconds(10));
        second.returns(Duration.ofSeconds(10));
        turnPassedWhileAsking();
    }

    /**
     * Player 1 asks for its turn while the test holds the Turns' lock (its Lock fields, found by reflection): player 1
     * waits for the lock. Still holding it, the test lets player 0 play and pass the turn (done(0) takes the lock
     * again, as its holder may), then lets go: player 1 must get its turn. A player that looked at the turn before
     * taking the lock, and then awaits without looking again, missed the signal that was sent before its await and
     * sleeps for ever. The lock orders the steps, not timing. Part of start-order; not judged without a Lock field.
     */
    static void turnPassedWhileAsking() throws InterruptedException {
        Turns turns = new Turns(2);
        List<java.util.concurrent.locks.Lock> locks = HeldLocks.locksIn(turns);
        if (locks.isEmpty()) return;
        Waiting asking;
        try (HeldLocks.Held held = HeldLocks.hold(locks)) {
            asking = Waiting.start("player 1, asking while player 0 passed the turn", () -> { turns.waitForTurn(1); return null; });
            asking.parks(Duration.ofSeconds(5)); // waits for the lock the test holds
            turns.waitForTurn(0);
            turns.done(0);
        }
        asking.thread().join(Duration.ofSeconds(10));
        if (!asking.done()) {
            boolean onCondition = asking.waitsOnCondition();
            Thread.State state = asking.thread().getState();
            asking.thread().interrupt();
            throw new AssertionError("Player 1 called waitForTurn(1) while player 0 was about to pass the turn (the test"
                    + " held the lock, so player 1 had to wait for it; player 0 then played and called done(0)). Once the"
                    + " lock was free, player 1 still waited 10 s later, although it was its turn: it " + (onCondition
                    ? "awaits the condition without looking at the turn under the lock first, so it missed the signal done(0)"
                    + " sent before that await began" : "was " + state) + ". Take the lock first, then"
                    + " look at the turn, and await only while it is not yours: while (turn != player) turnChanged.await().");
        }
        asking.returns(Duration.ZERO);
    }

    /**
     * First one step that does not wait for a race: players 1 and 2 wait, player 0 plays, and player 1 gets its
     * turn and keeps it. Player 2, woken too if done() signals all, must wait again: within 3 s (the time a woken
     * thread needs to run, with a wide margin) it must not have returned. Then 3 players take 200 turns each.
     */
    @Test
    @Property("three-take-turns")
    void threeTakeTurns() throws InterruptedException {
        Turns turns = new Turns(3);
        Waiting p1 = Waiting.start("player 1", () -> { turns.waitForTurn(1); return null; });
        Waiting p2 = Waiting.start("player 2", () -> { turns.waitForTurn(2); return null; });
        p1.parks(Duration.ofSeconds(5));
        p2.parks(Duration.ofSeconds(5));
        if (p1.done() || p2.done()) {
            throw new AssertionError("With 3 players, before player 0 had played, waitForTurn(" + (p1.done() ? 1 : 2)
                    + ") returned: it was player 0's turn.");
        }
        turns.waitForTurn(0);
        turns.done(0);
        p1.returns(Duration.ofSeconds(10)); // player 1's turn: it returns, and keeps its turn for now
        p2.thread().join(Duration.ofSeconds(3));
        boolean wrong = p2.done();
        turns.done(1);
        p2.returns(Duration.ofSeconds(10));
        if (wrong) {
            throw new AssertionError("With 3 players, players 1 and 2 waited and player 0 played: player 1 got its turn,"
                    + " and while it still had it, waitForTurn(2) returned too. A player woken by done() must look again"
                    + " whose turn it is, and wait again if it is not its own: await in a while loop, not an if.");
        }
        play(3, 200);
    }

    @Test
    @Property("no-busy-wait")
    void noBusyWait() throws InterruptedException {
        Turns turns = new Turns(2);
        turns.waitForTurn(0); // player 0's turn: returns at once (the stub fails here, as "not done")
        Waiting waiting = Waiting.start("player 1 waiting for its turn", () -> { turns.waitForTurn(1); return null; });
        waiting.parks(Duration.ofMillis(200));
        for (int sample = 0; sample < 20; sample++) { // untimed, in Condition.await: not polling with a timeout or sleep
            Thread.State state = waiting.thread().getState();
            if (state == Thread.State.TIMED_WAITING || (state == Thread.State.WAITING && !waiting.waitsOnCondition())) {
                throw new AssertionError("While player 1 waited for its turn, it was " + state + " in "
                        + waiting.waitsIn() + ": it polls (a timeout or a sleep) instead of waiting until done()"
                        + " signals. Wait with await() (no timeout) on the Condition.");
            }
            Thread.sleep(5);
        }
        Waiting.Watch watch = waiting.watch(Duration.ofMillis(500));
        turns.done(0);
        waiting.returns(Duration.ofSeconds(10));
        if (watch.spins()) {
            throw new AssertionError("While player 1 waited for its turn, " + watch.describe() + ": it keeps checking"
                    + " instead of sleeping until done() signals. Wait with await() on a Condition.");
        }
        noChainOfWakeUps();
    }

    /**
     * Four players: this thread plays 0 and 1, players 3 and 0 (its next turn) wait, and done(1) gives the turn to
     * player 2, who is busy elsewhere and not waiting. The waiting players must stay parked meanwhile: one that is
     * woken when it is not its turn and passes the signal on to another waiter starts a chain of wake-ups that goes
     * round the wrong players for ever (a busy wait spread over several threads). Part of no-busy-wait.
     */
    static void noChainOfWakeUps() throws InterruptedException {
        Turns turns = new Turns(4);
        turns.waitForTurn(0);
        turns.done(0);
        turns.waitForTurn(1);
        Waiting p3 = Waiting.start("player 3 waiting", () -> { turns.waitForTurn(3); turns.done(3); return null; });
        Waiting p0 = Waiting.start("player 0 waiting for its next turn", () -> { turns.waitForTurn(0); return null; });
        boolean ended = false;
        try {
            // false for a player that spins instead of parking: pollsOrSpins below says so, with the evidence
            p3.parks(Duration.ofSeconds(5));
            p0.parks(Duration.ofSeconds(5));
            turns.done(1); // player 2's turn, and player 2 is not waiting
            // Only player 3 is watched: in a chain of wake-ups players 3 and 0 take turns to be woken and pass the
            // signal on (signal() wakes the longest waiter), so each of them is woken again and again.
            String how = Waiting.pollsOrSpins(p3.thread());
            if (how != null) {
                throw new AssertionError("Four players: while the turn was player 2's and player 2 was not waiting, player 3"
                        + " (waiting, with player 0) " + how + ". A player woken when it is not its turn that passes the"
                        + " signal on wakes the next wrong one, and so on for ever. Wake every waiter when the turn"
                        + " changes (signalAll() in done()), and let each one that is not on go back to await().");
            }
            turns.waitForTurn(2); // player 2 comes at last: then 3, then 0, go on
            turns.done(2);
            p3.returns(Duration.ofSeconds(10));
            p0.returns(Duration.ofSeconds(10));
            ended = true;
        } finally {
            if (!ended) { // the check failed on the way: leave no player waiting for a turn that never comes
                p3.thread().interrupt();
                p0.thread().interrupt();
            }
        }
    }
}
