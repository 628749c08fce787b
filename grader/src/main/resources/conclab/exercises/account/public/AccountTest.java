import conclab.grader.probe.ModelCheck;
import conclab.grader.probe.Property;
import conclab.grader.probe.ReadsUnderLock;
import conclab.grader.probe.UnlockedReads;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/** Public tests of the account exercise: the learner may read them. */
public class AccountTest {
    @Test
    @Property("sequential")
    void sequential() {
        Account a = new Account();
        a.deposit(5);
        expect(a.withdraw(3), true, "withdraw(3) with a balance of 5");
        expect(a.balance(), 2L, "balance() after deposit(5), withdraw(3)");
        expect(a.withdraw(5), false, "withdraw(5) with a balance of 2");
        expect(a.balance(), 2L, "balance() after a refused withdraw(5)");
        expect(a.withdraw(2), true, "withdraw(2) with a balance of 2 (all of it)");
        expect(a.balance(), 0L, "balance() after withdraw(2) with a balance of 2");
    }

    /**
     * Lincheck tries random scenarios (2 threads, 2 calls each, one call before and one after) and explores
     * their interleavings: 20 scenarios x 200 interleavings, about 2 s for a correct class on 2 cores.
     */
    @Test
    @Property("linearizable")
    void linearizable() {
        Account smoke = new Account(); // the unwritten stub fails here, as "not done", not inside Lincheck
        smoke.deposit(1);
        smoke.withdraw(1);
        smoke.balance();
        ModelCheck.linearizable(Spec.class, 20, 200);
    }

    /**
     * Lincheck assumes every thread sees every write at once, so it cannot see a balance() that reads the field
     * without the lock its writes take: holding each lock deposit() waits for, balance() must wait too (see
     * ReadsUnderLock). Not judged when the balance is volatile or atomic (a volatile field beside a plain balance
     * exempts nothing), nor when balance() reads no field that deposit() changes, with a lock or without (a volatile
     * balance beside a plain statistic: a copy of the class notes what balance() reads, UnlockedReads).
     */
    @Test
    @Property("reads-under-lock")
    void readsUnderLock() throws Exception {
        Account a = new Account();
        a.deposit(1); // the unwritten stub fails here, as "not done"
        a.balance();
        String missing = ReadsUnderLock.missing(a, Account.class, "deposit(1)", () -> {
            a.deposit(1);
            return null;
        }, "balance()", a::balance);
        if (missing != null && Boolean.FALSE.equals(UnlockedReads.readsWhatWriteChanges(AccountTest.class.getClassLoader(),
                "Account", "deposit", new Class<?>[] {long.class}, new Object[] {1L}, "balance", java.time.Duration.ofSeconds(10)))) {
            return; // balance() reads no field that deposit() changes (a volatile balance beside a plain statistic)
        }
        if (missing != null) {
            throw new AssertionError(missing + " The balance is a plain field: read without the lock that guards its"
                    + " writes, it has no happens-before edge with them, so balance() may return a stale balance. Read it"
                    + " holding the same lock (or make it volatile or atomic).");
        }
    }

    /** What Lincheck calls: the account's operations with amounts from 1 to 3. */
    @Param(name = "amount", gen = IntGen.class, conf = "1:3")
    public static class Spec {
        private final Account account = new Account();

        @Operation
        public void deposit(@Param(name = "amount") int amount) {
            account.deposit(amount);
        }

        @Operation
        public boolean withdraw(@Param(name = "amount") int amount) {
            return account.withdraw(amount);
        }

        @Operation
        public long balance() {
            return account.balance();
        }
    }

    static void expect(Object got, Object want, String what) {
        if (!want.equals(got)) throw new AssertionError(what + " gave " + got + ", expected " + want + ".");
    }
}
