import conclab.grader.probe.Property;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Hidden tests of the all-pages exercise: used for grading only. What the future holds is read by a callback of
 * its own, when it completes: a page put in the map after the future completed is missed.
 */
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
        // what a callback of the future sees when it completes: a copy of the map, made then
        CompletableFuture<Map<String, String>> seen = future.thenApply(java.util.LinkedHashMap::new);
        fetches.succeed("/goods/3/");
        Map<String, String> got = AllPagesTest.expectDone(seen, "/goods/3/ came last");
        if (!AllPagesTest.Fetches.page("/goods/3/").equals(got.get("/goods/3/"))) {
            throw new AssertionError("/goods/3/ came last, and when the future completed it held " + got + ": the last"
                    + " page was not in it yet. Complete the future after the last page is in the map.");
        }
    }
}
