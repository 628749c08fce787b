// fails: no-busy-wait
// Takes turns correctly, but waits by spinning on a volatile field.
class Turns {
    private final int players;
    private volatile int turn;

    Turns(int players) {
        this.players = players;
    }

    void waitForTurn(int player) throws InterruptedException {
        while (turn != player) Thread.onSpinWait();
    }

    void done(int player) {
        turn = (player + 1) % players;
    }
}
