import conclab.grader.probe.Property;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Hidden tests of the all-pages exercise: used for grading only. */
class AllPagesHiddenTest {
    @Test
    @Property("completes-after-all")
    void completesAfterAll() throws Exception {
        AllPagesTest.Fetches fetches = new AllPagesTest.Fetches();
        AllPagesTest.Call call = new AllPagesTest.Call(fetches);
        fetches.fail("/goods/1/", new IOException("HTTP 500"));
        fetches.succeed("/goods/2/");
        CompletableFuture<Map<String, String>> future = call.future();
        if (future.isDone()) {
            String what = future.isCompletedExceptionally() ? "failed" : "completed with " + future.getNow(null);
            fetches.succeed("/goods/3/");
            throw new AssertionError("With /goods/1/ failed, /goods/2/ fetched and /goods/3/ still on its way, the "
                    + "future had already " + what + ": it must wait for every fetch.");
        }
        fetches.succeed("/goods/3/");
        Map<String, String> got = AllPagesTest.expectDone(future, "/goods/3/ came last");
        if (!got.containsKey("/goods/3/")) throw new AssertionError("The last page is missing: " + got);
    }
}
