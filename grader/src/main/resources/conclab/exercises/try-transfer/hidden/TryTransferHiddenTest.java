import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Hidden tests of the try-transfer exercise: run when grading only. */
class TryTransferHiddenTest {
    @Test
    @Property("money-conserved")
    void moneyConserved() {
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            LockedAccount[] accounts = new LockedAccount[4];
            for (int i = 0; i < 4; i++) accounts[i] = new LockedAccount(1_000_000);
            Stress.together("4 threads transferring among 4 accounts", 4, Duration.ofSeconds(8), t -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    int from = r.nextInt(4), to = (from + 1 + r.nextInt(3)) % 4;
                    Bank.tryTransfer(accounts[from], accounts[to], 1 + r.nextInt(10), 20);
                }
            });
            long total = 0;
            for (LockedAccount a : accounts) total += a.balance;
            return total == 4_000_000 ? null : String.format("4 accounts of 1,000,000 hold %,d in total after the transfers.", total);
        });
    }
}
