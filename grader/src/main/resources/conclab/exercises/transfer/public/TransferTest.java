import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Public tests of the transfer exercise: the learner may read them. */
class TransferTest {
    @Test
    @Property("moves-money")
    void movesMoney() {
        BankAccount a = new BankAccount(1, 100), b = new BankAccount(2, 0);
        Bank.transfer(a, b, 30);
        if (a.balance != 70 || b.balance != 30) {
            throw new AssertionError("After transfer(a, b, 30) from 100 and 0, the balances are " + a.balance
                    + " and " + b.balance + ", not 70 and 30.");
        }
    }

    /**
     * Thread "a to b" and thread "b to a", released together, each transferring for 300 ms (so that they
     * overlap even on a busy machine); up to 5 rounds in 3 s. A deadlock is reported as soon as it forms.
     */
    @Test
    @Property("no-deadlock")
    void noDeadlock() {
        Bank.transfer(new BankAccount(1, 0), new BankAccount(2, 0), 0); // the unwritten stub fails here, as "not done"
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            BankAccount a = new BankAccount(1, 1_000_000_000), b = new BankAccount(2, 1_000_000_000);
            Liveness.finish("Two threads transferring between the same two accounts in opposite directions",
                    Duration.ofSeconds(8),
                    Liveness.task("transfer a to b", () -> transferFor(a, b)),
                    Liveness.task("transfer b to a", () -> transferFor(b, a)));
            return null;
        });
    }

    private static void transferFor(BankAccount from, BankAccount to) {
        long end = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) Bank.transfer(from, to, 1);
        }
    }
}
