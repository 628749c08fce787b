import conclab.grader.probe.Property;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hidden tests of the both-pages exercise: used for grading only. */
class BothPagesHiddenTest {
    final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void closePool() {
        pool.shutdownNow();
    }

    @Test
    @Property("fails-with-the-error")
    void failsWithTheError() throws Exception {
        IllegalStateException errorB = new IllegalStateException("HTTP 500 for page b");
        expectFailure("Download a returned \"page a\" and download b failed, both at once", () -> "page a", () -> {
            throw errorB;
        }, () -> { }, errorB);
        // a fails first, b later: a stage that runs only on a's page (thenAccept, thenCompose) never runs
        IllegalStateException errorA = new IllegalStateException("HTTP 500 for page a");
        CountDownLatch aFailed = new CountDownLatch(1), bGate = new CountDownLatch(1);
        expectFailure("Download a failed while download b still ran; then b returned \"page b\"", () -> {
            aFailed.countDown();
            throw errorA;
        }, () -> {
            await(bGate);
            return "page b";
        }, () -> {
            await(aFailed);
            bGate.countDown();
        }, errorA);
        // b first, then a fails
        IllegalStateException laterA = new IllegalStateException("HTTP 500 for page a, later");
        CountDownLatch bReturning = new CountDownLatch(1), aGate = new CountDownLatch(1);
        expectFailure("Download b returned \"page b\"; then download a failed", () -> {
            await(aGate);
            throw laterA;
        }, () -> {
            bReturning.countDown();
            return "page b";
        }, () -> {
            await(bReturning);
            aGate.countDown();
        }, laterA);
    }

    /**
     * Calls both(a, b) while {@code release} (on a thread of its own) lets the downloads go on, and requires the future
     * to fail, within the limit, with {@code error}, the exception of the download that failed ({@code what} says how).
     */
    void expectFailure(String what, Supplier<String> a, Supplier<String> b, Runnable release, RuntimeException error)
            throws Exception {
        BothPagesTest.Call call = new BothPagesTest.Call(a, b, pool);
        Thread.ofPlatform().daemon().name("release").start(release);
        CompletableFuture<List<String>> future = call.future();
        try {
            List<String> got = future.get(BothPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError(what + ", yet the future completed normally with " + got
                    + ": the error was lost. Let it fail the future.");
        } catch (TimeoutException e) {
            throw new AssertionError(what + ", and the future had not completed after " + BothPagesTest.LIMIT_SECONDS
                    + " s: whoever waits for it waits forever. A stage that runs only when a page came (thenAccept,"
                    + " thenApply, thenCompose) is skipped when that download fails: combine the two futures"
                    + " (thenCombine, allOf), or handle the failure of each.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause != error) {
                throw new AssertionError(what + ": the future failed with " + e.getCause()
                        + ", not with the download's own exception (" + error + ").");
            }
        }
    }

    /** Waits for {@code gate}, at most a minute: a download held by the test. */
    static void await(CountDownLatch gate) {
        try {
            gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final int ROUNDS = 2_000;

    /**
     * Two downloads that finish at the same instant, on two of the pool's threads: each spins until the other is
     * there too and returns. Their callbacks then run at once, and a count of the pages that came, kept in a
     * plain variable, loses an update in some rounds (the future never completes) or a page written by one is
     * not seen by the other (a null). A race shows in some rounds, not all: up to 2,000 rounds (no new round after
     * 12 s, so that a busy machine still ends in the test's time, 20 s for this exercise), the first that goes wrong
     * is reported. An idle machine runs the 2,000 in a few seconds; a busy one runs fewer, and a cap of 5 s let one
     * racy count of 20 through at a load average of 4.
     */
    @Test
    @Property("finish-together")
    void finishTogether() throws Exception {
        // the test has 20 s in all (limit.test): rounds stop after 12 s (a busy machine), once one round has run
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
        for (int round = 1; round <= ROUNDS && (round == 1 || System.nanoTime() < end); round++) {
            AtomicInteger together = new AtomicInteger();
            Supplier<String> a = () -> arrive(together, "page a");
            Supplier<String> b = () -> arrive(together, "page b");
            CompletableFuture<List<String>> future = new BothPagesTest.Call(a, b, pool).future();
            String when = String.format("In round %d of %,d, downloads a and b finished at the same instant on two"
                    + " threads of the pool", round, ROUNDS);
            List<String> got;
            try {
                got = future.get(BothPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(when + ", and the future had not completed " + BothPagesTest.LIMIT_SECONDS
                        + " s later. Callbacks on two threads at once: what they share must be safe for that"
                        + " (let thenCombine or allOf do the counting).");
            } catch (ExecutionException e) {
                throw new AssertionError(when + ", and the future failed with " + e.getCause() + ".", e.getCause());
            }
            if (!List.of("page a", "page b").equals(got)) {
                throw new AssertionError(when + ", and the future held " + got + ", not [page a, page b].");
            }
        }
    }

    /**
     * Spins (bounded) until the other download is here too, so both return at once. A spin, not a barrier: a
     * barrier's last arrival returns at once while the other must first be woken, tens of microseconds later,
     * and two callbacks that far apart never race.
     */
    private static String arrive(AtomicInteger together, String page) {
        together.incrementAndGet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BothPagesTest.LIMIT_SECONDS);
        while (together.get() < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("download " + page.substring(5) + " waited " + BothPagesTest.LIMIT_SECONDS
                        + " s for the other to run at the same time");
            }
            Thread.onSpinWait();
        }
        return page;
    }
}
