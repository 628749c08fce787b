import conclab.grader.probe.Property;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
        // Two fetches have finished before fetchAll even asks (as from a cache), so every run sees the same order: a
        // count kept as fetches are requested, not of all of them first, reaches zero at the first one.
        fetches.fail("/goods/1/", new IOException("HTTP 500"));
        fetches.succeed("/goods/3/");  // the last URL, not the last fetch: /goods/2/ is held
        AllPagesTest.Call call = new AllPagesTest.Call(fetches);
        CompletableFuture<Map<String, String>> future = call.future();
        if (future.isDone()) {
            String what = future.isCompletedExceptionally() ? "failed" : "completed with " + future.getNow(null);
            fetches.succeed("/goods/2/");
            throw new AssertionError("With /goods/1/ failed, /goods/3/ fetched and /goods/2/ still on its way, the "
                    + "future had already " + what + ": it must wait for every fetch, not only for the last URL's.");
        }
        // what a callback of the future sees when it completes: a copy of the map, made then
        CompletableFuture<Map<String, String>> seen = future.thenApply(java.util.LinkedHashMap::new);
        fetches.succeed("/goods/2/");
        Map<String, String> got = AllPagesTest.expectDone(seen, "/goods/2/ came last");
        if (!AllPagesTest.Fetches.page("/goods/2/").equals(got.get("/goods/2/"))) {
            throw new AssertionError("/goods/2/ came last, and when the future completed it held " + got + ": the last"
                    + " page was not in it yet. Complete the future after the last page is in the map.");
        }
        twoCallsAtOnce();
    }

    /**
     * Two calls of fetchAll under way at once, fetchAll([/a/, /b/]) and fetchAll([/c/]), their fetches finishing
     * /a/, then /c/, then /b/: each future must hold its own pages only, and complete when its own fetches have all
     * finished. What one call keeps (its map, its count) is its own: kept in a static field, the second call's start
     * wipes out the first's. Part of completes-after-all.
     */
    private static void twoCallsAtOnce() throws Exception {
        Map<String, CompletableFuture<String>> fetches = new HashMap<>();
        for (String url : List.of("/a/", "/b/", "/c/")) fetches.put(url, new CompletableFuture<>());
        CompletableFuture<Map<String, String>> first = call(List.of("/a/", "/b/"), fetches);
        CompletableFuture<Map<String, String>> second = call(List.of("/c/"), fetches);
        String what = "fetchAll([/a/, /b/]) and fetchAll([/c/]) were both under way, and their fetches finished /a/, then"
                + " /c/, then /b/";
        CompletableFuture<Map<String, String>> firstSeen = first.thenApply(LinkedHashMap::new);
        CompletableFuture<Map<String, String>> secondSeen = second.thenApply(LinkedHashMap::new);
        fetches.get("/a/").complete(AllPagesTest.Fetches.page("/a/"));
        fetches.get("/c/").complete(AllPagesTest.Fetches.page("/c/"));
        String share = " Keep what a call needs (its map, its count) in that call (local variables its callbacks"
                + " capture), not in static fields that every call shares.";
        try { // the second call has all its pages: its future completes now, /b/ of the first call or not
            secondSeen.get(AllPagesTest.LIMIT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what.substring(0, what.indexOf(", and")) + ", /a/ and /c/ had finished and /b/ was"
                    + " still on its way: fetchAll([/c/]) had its only page, but its future had not completed "
                    + AllPagesTest.LIMIT_SECONDS + " s later." + share);
        } catch (java.util.concurrent.ExecutionException e) {
            // expectDone below says what it failed with
        }
        boolean firstEarly = first.isDone();
        fetches.get("/b/").complete(AllPagesTest.Fetches.page("/b/"));
        Map<String, String> wantFirst = new LinkedHashMap<>(), wantSecond = new LinkedHashMap<>();
        for (String url : List.of("/a/", "/b/")) wantFirst.put(url, AllPagesTest.Fetches.page(url));
        wantSecond.put("/c/", AllPagesTest.Fetches.page("/c/"));
        if (firstEarly) {
            throw new AssertionError(what + ": the first future had completed before /b/ came, holding "
                    + first.getNow(null) + "." + share);
        }
        Map<String, String> gotFirst = AllPagesTest.expectDone(firstSeen, what);
        Map<String, String> gotSecond = AllPagesTest.expectDone(secondSeen, what);
        if (!wantFirst.equals(gotFirst) || !wantSecond.equals(gotSecond)) {
            throw new AssertionError(what + ": the first future held " + gotFirst + " (expected " + wantFirst + ") and the"
                    + " second " + gotSecond + " (expected " + wantSecond + ")." + share);
        }
    }

    /** fetchAll(urls) on a thread of its own, given at most the limit to return. */
    @SuppressWarnings("unchecked")
    private static CompletableFuture<Map<String, String>> call(List<String> urls,
            Map<String, CompletableFuture<String>> fetches) {
        Object got = conclab.grader.probe.Waiting.start("fetchAll(" + urls + ")", () -> Crawl.fetchAll(urls, fetches::get))
                .returns(Duration.ofSeconds(AllPagesTest.LIMIT_SECONDS));
        if (got == null) throw new AssertionError("fetchAll(" + urls + ") returned null.");
        return (CompletableFuture<Map<String, String>>) got;
    }

    static final int PAGES = 2_000, FINISHERS = 2, ROUNDS = 10;
    /** How long the finishers keep in lockstep, well inside the limit the test waits for them. */
    static final long LOCKSTEP_SECONDS = 1;
    static final String SHARED = " The callbacks run on several threads at once: what they share must be safe for that"
            + " (allOf, an AtomicInteger, a ConcurrentHashMap).";

    /**
     * Real fetches finish on whichever threads the network's callbacks run on, often at the same instant. Here
     * two platform threads finish 2,000 fetches (one in ten fails) in lockstep: each its half, one fetch at a
     * time, both at the same instant. A count or a map that is not safe for callbacks on several threads loses updates: the future
     * then never completes, or misses pages. A race shows in some rounds, not all: ten rounds, the first that
     * goes wrong is reported.
     */
    @Test
    @Property("concurrent-fetches")
    void concurrentFetches() throws Exception {
        // the test has 10 s in all: rounds stop after 4 s (a busy machine), once one round has run
        long start = System.nanoTime(), end = start + TimeUnit.SECONDS.toNanos(4);
        for (int round = 1; round <= ROUNDS && (round == 1 || System.nanoTime() < end); round++) {
            String wrong = round();
            if (wrong != null) throw new AssertionError(String.format("In round %d of %d, %,d fetches finished by %d"
                    + " threads at once: %s", round, ROUNDS, PAGES, FINISHERS, wrong));
        }
        // then up to 3 s of rounds of two, ending 7 s after the start at the latest (a busy machine)
        String wrong = lastTwoAtOnce(Math.min(System.nanoTime() + TimeUnit.SECONDS.toNanos(3), start + TimeUnit.SECONDS.toNanos(7)));
        if (wrong != null) throw new AssertionError(wrong);
    }

    static final int PAIR_ROUNDS = 3_000;

    /**
     * The race that matters most is at the end: the last two fetches finishing at the same instant. A callback
     * that counts its page in before it puts it in the map can then see the count reach zero from the other
     * callback's decrement, and the future completes before the page is there. Only the last two fetches can
     * show it, once per round, in a window of tens of nanoseconds: here many rounds of two pages each, the two
     * finished by two threads in lockstep (one round in a hundred or so shows that race when it is there), up to 3,000
     * rounds until {@code end} (a {@link System#nanoTime()}), at least one. What the future held is copied by a callback
     * of its own, as it completes. A busy machine runs fewer rounds, and past {@code end} the finishers no longer
     * wait for each other: the test ends in time, with fewer chances to see the race.
     */
    private static String lastTwoAtOnce(long end) throws Exception {
        List<String> urls = List.of("/goods/a/", "/goods/b/");
        AtomicReference<List<CompletableFuture<String>>> current = new AtomicReference<>();
        AtomicInteger arrived = new AtomicInteger();
        java.util.concurrent.CyclicBarrier roundStarts = new java.util.concurrent.CyclicBarrier(3);
        java.util.concurrent.CyclicBarrier roundEnds = new java.util.concurrent.CyclicBarrier(3);
        List<Thread> finishers = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            int mine = k;
            finishers.add(Thread.ofPlatform().daemon().name("finisher-" + k).start(() -> {
                try {
                    for (int round = 1; ; round++) {
                        roundStarts.await(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
                        arrived.incrementAndGet(); // a spin, not a barrier, for the same instant: see round()
                        while (arrived.get() < 2 * round && System.nanoTime() - end < 0) Thread.onSpinWait();
                        current.get().get(mine).complete(AllPagesTest.Fetches.page(urls.get(mine)));
                        roundEnds.await(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    // the test is over (its barriers broken) or gave up waiting
                }
            }));
        }
        try {
            for (int round = 1; round <= PAIR_ROUNDS && (round == 1 || System.nanoTime() - end < 0); round++) {
                List<CompletableFuture<String>> fetches = List.of(new CompletableFuture<>(), new CompletableFuture<>());
                current.set(fetches);
                CompletableFuture<Map<String, String>> future = Crawl.fetchAll(urls, url -> fetches.get(urls.indexOf(url)));
                if (future == null) return "fetchAll returned null.";
                CompletableFuture<Map<String, String>> seen = future.thenApply(LinkedHashMap::new);
                roundStarts.await(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
                roundEnds.await(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
                Map<String, String> got;
                try {
                    got = seen.get(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    return "In round " + round + " of two fetches finished by two threads at once, the future had not"
                            + " completed " + AllPagesTest.LIMIT_SECONDS + " s after both had finished." + SHARED;
                } catch (ExecutionException e) {
                    return "In round " + round + " of two fetches finished by two threads at once, the future failed"
                            + " with " + e.getCause() + ".";
                }
                if (got.size() != 2) {
                    return "In round " + round + " of two fetches finished by two threads at once, the future completed"
                            + " holding " + got + ": the other page was not in the map yet. Put the page in the map"
                            + " before you count it in (or use allOf), so that the callback that sees the count reach"
                            + " zero knows every page is there.";
                }
            }
            return null;
        } finally {
            roundStarts.reset(); // breaks the barrier: the finishers end
            roundEnds.reset();
            for (Thread t : finishers) t.join(AllPagesTest.LIMIT_SECONDS * 1000);
        }
    }

    /** One round: null if the future held every page, else what went wrong. */
    private static String round() throws Exception {
        List<String> urls = new ArrayList<>();
        List<CompletableFuture<String>> fetches = new ArrayList<>();
        Map<String, CompletableFuture<String>> byUrl = new HashMap<>(); // only read once the caller has started
        for (int i = 0; i < PAGES; i++) {
            urls.add("/goods/" + i + "/");
            fetches.add(new CompletableFuture<>());
            byUrl.put(urls.get(i), fetches.get(i));
        }
        AtomicReference<Object> returned = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().daemon().name("caller").start(() -> {
            try {
                returned.set(Crawl.fetchAll(urls, byUrl::get));
            } catch (Throwable t) {
                returned.set(t);
            }
        });
        if (!caller.join(Duration.ofSeconds(AllPagesTest.LIMIT_SECONDS))) {
            finishAll(fetches);
            return "fetchAll had not returned after " + AllPagesTest.LIMIT_SECONDS + " s, before any page had come.";
        }
        if (returned.get() instanceof Throwable t) return "fetchAll threw " + t + ".";
        @SuppressWarnings("unchecked")
        CompletableFuture<Map<String, String>> future = (CompletableFuture<Map<String, String>>) returned.get();
        if (future == null) return "fetchAll returned null.";
        // what a callback of the future sees when it completes: a copy of the map, made then
        CompletableFuture<Map<String, String>> seen = future.thenApply(LinkedHashMap::new);
        AtomicInteger arrived = new AtomicInteger(); // the finishers' lockstep: see finish(...)
        List<Thread> finishers = new ArrayList<>();
        for (int k = 0; k < FINISHERS; k++) {
            int first = k;
            finishers.add(Thread.ofPlatform().daemon().name("finisher-" + k).start(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOCKSTEP_SECONDS);
                for (int i = first, step = 1; i < PAGES; i += FINISHERS, step++) {
                    arrived.incrementAndGet();
                    // Spin until the other finishers are at this step too, so the fetches finish at the same
                    // instant. A spin, not a barrier: waking a parked thread takes tens of microseconds, and
                    // callbacks that far apart never race. Past the deadline (a busy machine), no more lockstep.
                    while (arrived.get() < step * FINISHERS && System.nanoTime() < deadline) Thread.onSpinWait();
                    finish(fetches, i);
                }
            }));
        }
        for (Thread t : finishers) {
            if (!t.join(Duration.ofSeconds(AllPagesTest.LIMIT_SECONDS))) {
                return "a finishing thread was still in a fetch's callback after " + AllPagesTest.LIMIT_SECONDS + " s.";
            }
        }
        Map<String, String> got;
        try {
            got = seen.get(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "every fetch had finished, and the future had not completed " + AllPagesTest.LIMIT_SECONDS
                    + " s later (a count of pages still to come lost an update?)." + SHARED;
        } catch (ExecutionException e) {
            return "the future failed with " + e.getCause() + ".";
        }
        for (int i = 0; i < PAGES; i++) {
            String want = i % 10 == 0 ? "error: HTTP 500" : AllPagesTest.Fetches.page(urls.get(i));
            if (!want.equals(got.get(urls.get(i)))) {
                return "the future held " + got.size() + " entries, and " + urls.get(i) + " was " + got.get(urls.get(i))
                        + ", not " + want + " (a map that lost a put?)." + SHARED;
            }
        }
        return null;
    }

    private static void finish(List<CompletableFuture<String>> fetches, int i) {
        if (i % 10 == 0) fetches.get(i).completeExceptionally(new IOException("HTTP 500"));
        else fetches.get(i).complete(AllPagesTest.Fetches.page("/goods/" + i + "/"));
    }

    private static void finishAll(List<CompletableFuture<String>> fetches) {
        for (int i = 0; i < fetches.size(); i++) finish(fetches, i);
    }
}
