import conclab.grader.probe.Property;
import org.junit.jupiter.api.Test;

/** Hidden tests of the account exercise: run when grading only. */
class AccountHiddenTest {
    @Test
    @Property("rejects-non-positive")
    void rejectsNonPositive() {
        Account a = new Account();
        a.deposit(10);
        rejects(() -> a.deposit(0), "deposit(0)");
        rejects(() -> a.deposit(-5), "deposit(-5)");
        rejects(() -> a.withdraw(0), "withdraw(0)");
        rejects(() -> a.withdraw(-5), "withdraw(-5)");
        if (a.balance() != 10) throw new AssertionError("Refused calls changed the balance: it is " + a.balance() + ", not 10.");
    }

    private static void rejects(Runnable call, String what) {
        try {
            call.run();
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError(what + " should throw IllegalArgumentException, and did not.");
    }
}
