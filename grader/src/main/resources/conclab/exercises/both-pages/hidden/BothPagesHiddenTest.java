import conclab.grader.probe.Property;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        IllegalStateException error = new IllegalStateException("HTTP 500 for page b");
        Supplier<String> a = () -> "page a";
        Supplier<String> b = () -> { throw error; };
        CompletableFuture<List<String>> future = new BothPagesTest.Call(a, b, pool).future();
        try {
            List<String> got = future.get(BothPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("Download b failed, yet the future completed normally with " + got
                    + ": the error was lost. Let it fail the future.");
        } catch (TimeoutException e) {
            throw new AssertionError("Download b failed, and the future had not completed after "
                    + BothPagesTest.LIMIT_SECONDS + " s: whoever waits for it waits forever.");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause != error) {
                throw new AssertionError("The future failed with " + e.getCause()
                        + ", not with the download's own exception (" + error + ").");
            }
        }
    }
}
