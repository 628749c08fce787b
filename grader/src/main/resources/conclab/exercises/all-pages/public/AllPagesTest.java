import conclab.grader.probe.Property;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the all-pages exercise: the learner may read them. The fetches are futures the test
 * completes itself, one by one, on its own thread, in orders it chooses.
 */
class AllPagesTest {
    static final long LIMIT_SECONDS = 5;
    static final List<String> URLS = List.of("/goods/1/", "/goods/2/", "/goods/3/");

    @Test
    @Property("returns-at-once")
    void returnsAtOnce() throws Exception {
        Fetches fetches = new Fetches();
        Call call = new Call(fetches);
        boolean returned = call.returnedWithin(LIMIT_SECONDS);
        List<String> notRequested = new ArrayList<>();             // before any page has come
        for (String url : URLS) if (!fetches.requested.contains(url)) notRequested.add(url);
        fetches.succeedAll();
        if (!returned) {
            throw new AssertionError("fetchAll had not returned after " + LIMIT_SECONDS + " s, while no page had "
                    + "come yet: it waits for the pages. Return the future at once.");
        }
        CompletableFuture<Map<String, String>> future = call.future();
        if (future == null) throw new AssertionError("fetchAll returned null instead of a CompletableFuture.");
        if (!notRequested.isEmpty()) {
            throw new AssertionError("fetchAll returned without having called fetch for " + notRequested + " (of "
                    + URLS + "), while no page had come yet: the fetches do not all run at once. Call fetch for "
                    + "every URL before returning, not each one when the page before has come.");
        }
        if (!fetches.elsewhere.isEmpty()) {
            throw new AssertionError("fetch was called on another thread than the one that called fetchAll: "
                    + fetches.elsewhere + ". Call fetch for every URL yourself, before returning: a step that runs it on a"
                    + " pool (supplyAsync, runAsync) may run it after fetchAll has returned, or not at all in time.");
        }
    }

    @Test
    @Property("all-pages")
    void allPages() throws Exception {
        Fetches fetches = new Fetches();
        Call call = new Call(fetches);
        // The pages come only once fetchAll has returned (or had its time: one that waits for them is the business
        // of returns-at-once), so that fetchAll sees them come one by one, the last first; and what the future holds
        // is copied as it completes, as a callback of the caller's would see it.
        CompletableFuture<Map<String, String>> seen = null;
        if (call.returnedWithin(LIMIT_SECONDS) && call.future() != null) seen = call.future().thenApply(LinkedHashMap::new);
        for (String url : URLS.reversed()) fetches.succeed(url); // the last first
        expect(fetches.pages(), seen != null ? seen : call.future(), "pages came last first");
        fetches.eachOnce();
        noPages();
    }

    /**
     * An empty list: the future is complete when fetchAll returns it, with no page (a count of fetches left that is
     * counted down only by callbacks never reaches zero).
     */
    static void noPages() throws Exception {
        CompletableFuture<Map<String, String>> future = Crawl.fetchAll(List.of(), url -> {
            throw new AssertionError("fetch was called with " + url + " for an empty list of URLs");
        });
        if (future == null) throw new AssertionError("fetchAll returned null instead of a CompletableFuture for an empty list.");
        boolean doneOnReturn = future.isDone();
        try {
            Map<String, String> got = future.get(LIMIT_SECONDS, TimeUnit.SECONDS);
            if (!got.isEmpty()) throw new AssertionError("For an empty list of URLs the future held " + got + ", not an empty map.");
            if (!doneOnReturn) {
                throw new AssertionError("For an empty list of URLs the future completed only after fetchAll had returned (a step"
                        + " run later, on a pool?): with nothing to fetch it is complete when fetchAll returns it (a count of"
                        + " fetches left that starts at zero).");
            }
        } catch (TimeoutException e) {
            throw new AssertionError("For an empty list of URLs the future had not completed after " + LIMIT_SECONDS + " s: with"
                    + " nothing to fetch, it completes at once (a count of fetches left starts at zero, and no callback"
                    + " ever counts it down).");
        }
    }

    @Test
    @Property("failure-kept-local")
    void failureKeptLocal() throws Exception {
        Fetches fetches = new Fetches();
        Call call = new Call(fetches);
        fetches.succeed("/goods/1/");
        // a failure that comes through a dependent stage arrives wrapped, as CompletionException(cause)
        fetches.fail("/goods/3/", new CompletionException(new IOException("HTTP 503")));
        // an exception with a cause of its own is no wrapper: its message is the page's
        fetches.fail("/goods/2/", new IOException("HTTP 500", new java.net.SocketException("Connection reset")));
        String when = "/goods/2/ failed with IOException(\"HTTP 500\", caused by SocketException(\"Connection reset\"))"
                + " and /goods/3/ with CompletionException(IOException(\"HTTP 503\"))";
        Map<String, String> got = expectDone(call.future(), when);
        Map<String, String> want = fetches.pages();
        want.put("/goods/2/", "error: HTTP 500");
        want.put("/goods/3/", "error: HTTP 503");
        if (!want.equals(got)) {
            throw new AssertionError("When " + when + ", the future held " + got + "; expected " + want
                    + " (the message of a CompletionException's cause, not of the wrapper; of any other exception,"
                    + " its own message, not its cause's).");
        }
        fetches.eachOnce();
    }

    /**
     * The fetches finish on this thread, the last one last: the future must be completed by the callbacks, so on this
     * thread, inside the call that finished the last fetch. A thread that waits for the pages (join or get on a
     * pool's thread) completes it on that thread; so does a step handed to a pool (an ...Async method).
     */
    @Test
    @Property("no-waiting")
    void completedByTheLastCallback() throws Exception {
        Fetches fetches = new Fetches();
        Call call = new Call(fetches);
        if (!call.returnedWithin(LIMIT_SECONDS)) {
            fetches.succeedAll();
            throw new AssertionError("fetchAll had not returned after " + LIMIT_SECONDS + " s, while no page had come"
                    + " yet: the caller's thread waits for the pages.");
        }
        CompletableFuture<Map<String, String>> future = call.future();
        if (future == null) throw new AssertionError("fetchAll returned null instead of a CompletableFuture.");
        AtomicReference<Thread> completer = new AtomicReference<>();
        CountDownLatch completed = new CountDownLatch(1);
        future.whenComplete((pages, e) -> {
            completer.set(Thread.currentThread());
            completed.countDown();
        });
        fetches.succeed("/goods/2/");
        fetches.fail("/goods/1/", new IOException("HTTP 500"));
        fetches.succeed("/goods/3/"); // the last fetch finishes here, on this thread
        if (!completed.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("The future had not completed " + LIMIT_SECONDS + " s after every fetch had finished.");
        }
        Thread t = completer.get();
        if (t != Thread.currentThread()) {
            throw new AssertionError("Every fetch finished on the test's thread \"" + Thread.currentThread().getName() + "\","
                    + " the last one last, and the future was completed on thread \"" + t.getName() + "\": not by the"
                    + " callback of the last fetch. A thread that waits for the pages (join or get on a pool's thread)"
                    + " holds a thread for nothing; let the fetches' callbacks complete the future (and no ...Async step).");
        }
    }

    /** The futures fetch returns, made in advance, so the test can complete them however fetchAll behaves. */
    static final class Fetches {
        final Map<String, CompletableFuture<String>> futures = new LinkedHashMap<>();

        Fetches() {
            for (String url : URLS) futures.put(url, new CompletableFuture<>());
        }

        /** The URLs fetch was called with, on whatever thread; and those it was called with again. */
        final Set<String> requested = ConcurrentHashMap.newKeySet(), repeated = ConcurrentHashMap.newKeySet();

        /** The thread that calls fetchAll, set before it starts (its start publishes it to that thread). */
        Thread caller;

        /** "/goods/1/ on thread \"ForkJoinPool.commonPool-worker-1\"" for each call of fetch on another thread than caller. */
        final Set<String> elsewhere = ConcurrentHashMap.newKeySet();

        CompletableFuture<String> fetch(String url) {
            if (!requested.add(url)) repeated.add(url);
            Thread on = Thread.currentThread();
            if (on != caller) elsewhere.add(url + " on thread \"" + on.getName() + "\"");
            CompletableFuture<String> f = futures.get(url);
            if (f == null) throw new IllegalArgumentException("fetch was called with " + url + ", not one of " + URLS);
            return f;
        }

        static String page(String url) {
            return "<title>" + url + "</title>";
        }

        Map<String, String> pages() {
            Map<String, String> pages = new LinkedHashMap<>();
            for (String url : URLS) pages.put(url, page(url));
            return pages;
        }

        void succeed(String url) {
            futures.get(url).complete(page(url));
        }

        void fail(String url, Throwable error) {
            futures.get(url).completeExceptionally(error);
        }

        void succeedAll() {
            for (String url : URLS) succeed(url);
        }

        /** Fails if a URL was fetched twice: a second fetch of a page is a second request to the server. */
        void eachOnce() {
            if (!repeated.isEmpty()) {
                throw new AssertionError("fetch was called more than once for " + repeated + ": each call is a request"
                        + " to the server. Fetch each URL once and use the future that call returned.");
            }
        }
    }

    /** A call of fetchAll on a thread of its own, so that a call that waits for the pages cannot hang the test. */
    static final class Call {
        private final Thread caller;
        private final AtomicReference<Object> result = new AtomicReference<>();

        Call(Fetches fetches) {
            caller = Thread.ofPlatform().daemon().name("caller").unstarted(() -> {
                try {
                    result.set(Crawl.fetchAll(URLS, fetches::fetch));
                } catch (Throwable t) {
                    result.set(t);
                }
            });
            fetches.caller = caller;
            caller.start();
        }

        boolean returnedWithin(long seconds) throws InterruptedException {
            return caller.join(Duration.ofSeconds(seconds));
        }

        /** What fetchAll returned, waiting for it at most the limit. */
        CompletableFuture<Map<String, String>> future() throws InterruptedException {
            if (!returnedWithin(LIMIT_SECONDS)) {
                throw new AssertionError("fetchAll had not returned " + LIMIT_SECONDS + " s after every page had come.");
            }
            Object got = result.get();
            if (got instanceof Throwable t) throw new AssertionError("fetchAll threw " + t, t);
            @SuppressWarnings("unchecked")
            CompletableFuture<Map<String, String>> future = (CompletableFuture<Map<String, String>>) got;
            return future;
        }
    }

    /** The value of a future that should be complete by now (waiting at most the limit), with a clear failure. */
    static Map<String, String> expectDone(CompletableFuture<Map<String, String>> future, String when) throws Exception {
        if (future == null) throw new AssertionError("fetchAll returned null instead of a CompletableFuture.");
        try {
            return future.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("When " + when + ", the future had not completed after " + LIMIT_SECONDS
                    + " s, though every fetch had finished.");
        } catch (ExecutionException e) {
            throw new AssertionError("When " + when + ", the future failed with " + e.getCause()
                    + ": one page's failure lost all the pages.", e.getCause());
        }
    }

    static void expect(Map<String, String> want, CompletableFuture<Map<String, String>> future, String when) throws Exception {
        Map<String, String> got = expectDone(future, when);
        if (!want.equals(got)) throw new AssertionError("When " + when + ", the future held " + got + "; expected " + want + ".");
    }
}
