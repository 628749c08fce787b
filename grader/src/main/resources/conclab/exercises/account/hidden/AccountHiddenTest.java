import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.List;
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
        if (a.balance() != 10) throw new AssertionError("Rejected calls changed the balance: it is " + a.balance() + ", not 10.");
    }

    /**
     * The rejected calls (an amount that is not positive: they throw) and a refused one (a withdrawal the balance does
     * not cover: it returns false) run on a thread of their own, which then ends; a lock that one of them kept (a
     * ReentrantLock unlocked only on the normal path, or not before an early return) would still be held, and calls
     * from any other thread would wait for it forever. The same thread could not see it: a ReentrantLock lets its
     * owner in again.
     */
    @Test
    @Property("refusal-releases-lock")
    void refusalReleasesLock() throws InterruptedException {
        Account a = new Account();
        a.deposit(10);
        Thread refused = Thread.ofPlatform().name("refused calls").start(() -> {
            List<Runnable> calls = List.of(() -> a.deposit(0), () -> a.deposit(-5), () -> a.withdraw(0), () -> a.withdraw(-5),
                    () -> a.withdraw(1_000));
            for (Runnable call : calls) {
                try {
                    call.run();
                } catch (RuntimeException refusal) {
                    // whether it is the right exception is "rejects-non-positive"'s business
                }
            }
        });
        if (!refused.join(Duration.ofSeconds(10))) {
            throw new AssertionError("deposit(0), deposit(-5), withdraw(0), withdraw(-5) and withdraw(1000) (with a"
                    + " balance of 10), called one after the other from one thread, did not all return within 10 s.");
        }
        Waiting after = Waiting.start("deposit(1), withdraw(1) and balance() from another thread", () -> {
            a.deposit(1);
            a.withdraw(1);
            return a.balance();
        });
        try {
            after.returns(Duration.ofSeconds(5));
        } catch (AssertionError e) {
            if (e.getMessage() == null || !e.getMessage().contains("did not return")) throw e;
            throw new AssertionError("A thread called deposit(0), deposit(-5), withdraw(0) and withdraw(-5), which"
                    + " are rejected, and withdraw(1000) with a balance of 10, which is refused, and ended. Then "
                    + e.getMessage() + " A rejected or refused call kept the lock: unlock in a finally block (or check"
                    + " the amount before lock()).");
        }
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
