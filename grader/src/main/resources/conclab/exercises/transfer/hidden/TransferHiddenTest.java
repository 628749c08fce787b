import conclab.grader.probe.ModelCheck;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
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

    /**
     * The same property, found whatever the machine's load: a stress test needs the threads to overlap, and on a
     * very busy machine they may not. Lincheck runs transfers both ways on two threads and explores their
     * interleavings (20 scenarios x 100): one where an update is lost leaves the two accounts with more or less
     * than they began with.
     */
    @Test
    @Property("money-conserved")
    void moneyConservedInEveryInterleaving() {
        ModelCheck.keeps(Spec.class, "the two accounts' total of 200", 20, 100);
    }

    /** What Lincheck calls: transfers of 1 to 3 between two accounts of 100 each, either way. */
    @Param(name = "amount", gen = IntGen.class, conf = "1:3")
    public static class Spec {
        private final BankAccount a = new BankAccount(1, 100), b = new BankAccount(2, 100);

        @Operation
        public void aToB(@Param(name = "amount") int amount) {
            Bank.transfer(a, b, amount);
        }

        @Operation
        public void bToA(@Param(name = "amount") int amount) {
            Bank.transfer(b, a, amount);
        }

        /** After every execution, when no transfer runs any more. */
        @Validate
        public void totalIsKept() {
            long total = a.balance + b.balance;
            if (total != 200) {
                throw new IllegalStateException("the accounts hold " + total + " in all, not 200: " + Math.abs(total - 200)
                        + " was " + (total > 200 ? "created" : "lost"));
            }
        }
    }
}
