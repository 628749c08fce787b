import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hidden tests of the turns exercise: run when grading only. */
class TurnsHiddenTest {
    @Test
    @Property("many-players")
    void manyPlayers() {
        TurnsTest.play(8, 50);
    }

    /**
     * Player 2 waits (player 0 has the turn) and is interrupted: it must throw InterruptedException and leave the
     * lock free, so that done(0) and player 1's turn go on.
     */
    @Test
    @Property("interruptible")
    void interruptible() throws InterruptedException {
        Turns turns = new Turns(3);
        turns.waitForTurn(0); // player 0's turn: returns at once (the stub fails here, as "not done")
        Waiting.start("Player 2's waitForTurn(2)", () -> { turns.waitForTurn(2); return null; })
                .endsWhenInterrupted("Let the InterruptedException of await() end waitForTurn (no"
                        + " awaitUninterruptibly(), no catch that waits again).", got -> "instead of throwing InterruptedException: it"
                        + " would take a turn that is not its own. Let the InterruptedException of await() through.");
        Waiting next = Waiting.start("done(0), then player 1 waiting for its turn", () -> {
            turns.done(0);
            turns.waitForTurn(1);
            return null;
        });
        try {
            next.returns(Duration.ofSeconds(5));
        } catch (AssertionError e) {
            if (e.getMessage() == null || !e.getMessage().contains("did not return")) throw e;
            throw new AssertionError("After player 2 was interrupted while it waited for its turn, " + e.getMessage()
                    + " The interrupted waitForTurn kept the lock: unlock in a finally block.");
        }
    }
}
