import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Hidden tests of the transfer exercise: run when grading only. */
class TransferHiddenTest {
    @Test
    @Property("money-conserved")
    void moneyConserved() {
        // Each thread transfers for 300 ms after the barrier, so the threads overlap even on a busy machine.
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            BankAccount[] accounts = new BankAccount[4];
            for (int i = 0; i < accounts.length; i++) accounts[i] = new BankAccount(i + 1, 1_000_000);
            Stress.together("4 threads transferring among 4 accounts", 4, Duration.ofSeconds(5), t -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 100; i++) {
                        int from = r.nextInt(4), to = (from + 1 + r.nextInt(3)) % 4;
                        Bank.transfer(accounts[from], accounts[to], 1 + r.nextInt(10));
                    }
                }
            });
            long total = 0;
            for (BankAccount a : accounts) total += a.balance;
            return total == 4_000_000 ? null : String.format("4 accounts of 1,000,000 each hold %,d in total after"
                    + " the transfers: %,d was %s.", total, Math.abs(total - 4_000_000), total > 4_000_000 ? "created" : "lost");
        });
    }
}
