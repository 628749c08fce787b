import conclab.grader.probe.HeldLocks;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        String held = lastPageHeldUp();
        if (held != null) throw new AssertionError(held);
        String unguarded = sharedStateWithoutLock();
        if (unguarded != null) throw new AssertionError(unguarded);
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

    /** Maps that two threads may not fill at once without a lock. */
    static final Set<Class<?>> UNSAFE_MAPS = Set.of(HashMap.class, LinkedHashMap.class, java.util.TreeMap.class,
            java.util.IdentityHashMap.class, java.util.WeakHashMap.class);

    /**
     * State not safe for threads, changed by the fetches' callbacks with no lock, found without luck. The fetches of
     * fetchAll([/m/, /n/]) note the functions fetchAll gives their stages (whenComplete, handle, thenApply, ...).
     * Among what those functions captured (and the fields of the learner's objects they captured), and in Crawl's
     * static fields, the check watches what is not safe for threads: a HashMap (or another map of
     * {@link #UNSAFE_MAPS}), an array of primitives, a plain number field (a count such as {@code static int
     * pending}; volatile too: {@code pending--} is a read and a write). It then holds every lock the callbacks could
     * take (the monitor of every object they captured, of those objects' fields, of Crawl and its static fields, and
     * every Lock among them) and finishes /m/ on a thread of its own. If that thread ran a callback and ended, and
     * something watched changed, while the test held all those locks, the change took none: callbacks of fetches
     * that finish on two threads at once can then lose an update. (A callback that waits for one of those locks is
     * guarded; state changed on one thread of the learner's, by Async stages, is not changed by the finishing thread
     * and not judged.) Null if right, or if nothing is watched.
     */
    private static String sharedStateWithoutLock() throws Exception {
        List<String> urls = List.of("/goods/m/", "/goods/n/");
        List<Object> actions = new java.util.concurrent.CopyOnWriteArrayList<>();
        Set<Thread> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Noted<String>> fetches = List.of(new Noted<>(actions, ranOn), new Noted<>(actions, ranOn));
        CompletableFuture<Map<String, String>> future = Crawl.fetchAll(urls, url -> fetches.get(urls.indexOf(url)));
        if (future == null) return "fetchAll returned null.";
        List<Object> reachable = new ArrayList<>();
        Map<String, java.util.function.Supplier<Object>> watched = new java.util.LinkedHashMap<>(); // shared state not safe for threads
        for (Object action : actions) {
            for (Object captured : fieldValues(action)) {
                reachable.add(captured);
                watch(captured, "an object the callbacks captured", watched);
                if (isLearners(captured.getClass())) {
                    for (Object inner : fieldValues(captured)) {
                        reachable.add(inner);
                        watch(inner, "an object the callbacks reach", watched);
                    }
                }
            }
        }
        for (java.lang.reflect.Field f : Crawl.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!java.lang.reflect.Modifier.isStatic(mod)) continue;
            f.setAccessible(true);
            Object value = f.get(null);
            if (value != null && !f.getType().isPrimitive()) {
                reachable.add(value);
                watch(value, "the static field Crawl." + f.getName(), watched);
            }
            if (!java.lang.reflect.Modifier.isFinal(mod) && (f.getType().isPrimitive() || value instanceof Number)) {
                watched.put("the static field Crawl." + f.getName(), () -> {
                    try {
                        return f.get(null);
                    } catch (IllegalAccessException e) {
                        return null;
                    }
                });
            }
        }
        if (watched.isEmpty()) {
            finishAll(fetches);
            return null;
        }
        reachable.add(Crawl.class);
        Map<String, Object> before = new java.util.LinkedHashMap<>();
        watched.forEach((what, value) -> before.put(what, value.get()));
        AtomicReference<Thread> finisher = new AtomicReference<>();
        boolean[] ranWithLocksHeld = new boolean[1];
        HeldLocks.holdingAll(reachable, Duration.ofSeconds(1), () -> {
            Thread x = Thread.ofPlatform().daemon().name("finisher of /goods/m/")
                    .start(() -> fetches.get(0).complete(AllPagesTest.Fetches.page("/goods/m/")));
            finisher.set(x);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AllPagesTest.LIMIT_SECONDS);
            while (x.isAlive() && System.nanoTime() < deadline) {
                Thread.State state = x.getState();
                if (state == Thread.State.BLOCKED || state == Thread.State.WAITING) return; // waits for a lock we hold
                x.join(Duration.ofMillis(5));
            }
            ranWithLocksHeld[0] = !x.isAlive();
        });
        Thread x = finisher.get();
        x.join(Duration.ofSeconds(AllPagesTest.LIMIT_SECONDS));
        List<String> changed = new ArrayList<>();
        watched.forEach((what, value) -> {
            if (!java.util.Objects.equals(before.get(what), value.get())) changed.add(what);
        });
        boolean unguarded = ranWithLocksHeld[0] && ranOn.contains(x) && !changed.isEmpty();
        fetches.get(1).complete(AllPagesTest.Fetches.page("/goods/n/"));
        if (unguarded) {
            return "A fetch finished on a thread of the check's own, and its callback changed " + String.join(", ", changed)
                    + " while the check held every lock the callbacks can reach (so it took none). Fetches finish on"
                    + " several threads, often at the same instant: two callbacks changing a plain count or a map not"
                    + " safe for threads at once can lose an update (a page, or a count that never reaches zero)." + SHARED;
        }
        AllPagesTest.expectDone(future, "/goods/m/ and /goods/n/ finished");
        return null;
    }

    /**
     * Adds to {@code watched} what in {@code o} is not safe for threads: the size of a map of an
     * {@link #UNSAFE_MAPS} class, the elements of an array of primitives, the primitive fields of an object of the
     * learner's that are not final (a volatile one too: a decrement is a read and a write).
     */
    private static void watch(Object o, String where, Map<String, java.util.function.Supplier<Object>> watched) {
        if (UNSAFE_MAPS.contains(o.getClass())) {
            Map<?, ?> map = (Map<?, ?>) o;
            watched.put("a " + o.getClass().getName() + " (" + where + ")", () -> map.size());
        } else if (o.getClass().isArray() && o.getClass().getComponentType().isPrimitive()) {
            watched.put("an array of " + o.getClass().getComponentType() + " (" + where + ")", () -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) b.append(java.lang.reflect.Array.get(o, i)).append(',');
                return b.toString();
            });
        } else if (isLearners(o.getClass())) {
            for (Class<?> c = o.getClass(); c != null && isLearners(c); c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    int mod = f.getModifiers();
                    if (java.lang.reflect.Modifier.isStatic(mod) || java.lang.reflect.Modifier.isFinal(mod) || !f.getType().isPrimitive()
                            || !f.trySetAccessible()) continue;
                    watched.put("the field " + f.getName() + " of " + c.getSimpleName() + " (" + where + ")", () -> {
                        try {
                            return f.get(o);
                        } catch (IllegalAccessException e) {
                            return null;
                        }
                    });
                }
            }
        }
    }

    /** The objects in {@code o}'s instance fields (its class's and its superclasses', up to the JDK's). */
    private static List<Object> fieldValues(Object o) {
        List<Object> values = new ArrayList<>();
        for (Class<?> c = o.getClass(); c != null && isLearners(c); c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                try {
                    f.setAccessible(true);
                    Object v = f.get(o);
                    if (v != null) values.add(v);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // a field we cannot read: what it holds is not looked at
                }
            }
        }
        return values;
    }

    /** The learner's classes and lambdas: outside the JDK's named modules, and not the check's own classes. */
    private static boolean isLearners(Class<?> c) {
        return !c.getModule().isNamed() && !c.isArray() && !c.getName().startsWith("AllPages") && c != Noted.class;
    }

    /**
     * A fetch that notes the functions given to the stages made from it (and from those stages in turn), and the
     * threads that ran them. The Async variants are not noted: they run on another thread than the finishing one.
     */
    static final class Noted<T> extends CompletableFuture<T> {
        final List<Object> actions;
        final Set<Thread> ranOn;

        Noted(List<Object> actions, Set<Thread> ranOn) {
            this.actions = actions;
            this.ranOn = ranOn;
        }

        private void ran() {
            ranOn.add(Thread.currentThread());
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new Noted<>(actions, ranOn);
        }

        @Override
        public CompletableFuture<T> whenComplete(java.util.function.BiConsumer<? super T, ? super Throwable> action) {
            actions.add(action);
            return super.whenComplete((v, e) -> { ran(); action.accept(v, e); });
        }

        @Override
        public <U> CompletableFuture<U> handle(java.util.function.BiFunction<? super T, Throwable, ? extends U> fn) {
            actions.add(fn);
            return super.handle((v, e) -> { ran(); return fn.apply(v, e); });
        }

        @Override
        public <U> CompletableFuture<U> thenApply(java.util.function.Function<? super T, ? extends U> fn) {
            actions.add(fn);
            return super.thenApply(v -> { ran(); return fn.apply(v); });
        }

        @Override
        public CompletableFuture<Void> thenAccept(java.util.function.Consumer<? super T> action) {
            actions.add(action);
            return super.thenAccept(v -> { ran(); action.accept(v); });
        }

        @Override
        public CompletableFuture<Void> thenRun(Runnable action) {
            actions.add(action);
            return super.thenRun(() -> { ran(); action.run(); });
        }

        @Override
        public CompletableFuture<T> exceptionally(java.util.function.Function<Throwable, ? extends T> fn) {
            actions.add(fn);
            return super.exceptionally(e -> { ran(); return fn.apply(e); });
        }
    }

    /**
     * The race of the last two fetches, made to happen without luck. fetchAll([/x/, /y/]); /x/ fails on a thread of
     * its own with an exception whose getMessage() waits until the test lets it go: /x/'s callback is then held where
     * it makes its page ("error: " + the message). Meanwhile /y/ finishes on the test's thread. A callback that puts
     * its page before it counts it in leaves the count at 1, and the future waits for /x/; one that counted first sees
     * the count reach zero from /y/'s callback, and the future completes without /x/'s page. A solution that asks for
     * the message later (when the last page has come) is not held: the step then judges nothing. Null if right.
     */
    private static String lastPageHeldUp() throws Exception {
        List<String> urls = List.of("/goods/x/", "/goods/y/");
        List<CompletableFuture<String>> fetches = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        CompletableFuture<Map<String, String>> future = Crawl.fetchAll(urls, url -> fetches.get(urls.indexOf(url)));
        if (future == null) return "fetchAll returned null.";
        CompletableFuture<Map<String, String>> seen = future.thenApply(LinkedHashMap::new);
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1), release = new java.util.concurrent.CountDownLatch(1);
        IOException slow = new IOException("HTTP 503") {
            @Override
            public String getMessage() {
                if (release.getCount() > 0) {
                    asked.countDown();
                    try {
                        release.await(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS); // bounded: never a hang
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.getMessage();
            }
        };
        Thread failing = Thread.ofPlatform().daemon().name("finisher of /goods/x/").start(() -> fetches.get(0).completeExceptionally(slow));
        boolean held = asked.await(AllPagesTest.LIMIT_SECONDS, TimeUnit.SECONDS) && failing.isAlive();
        if (!held) release.countDown(); // its message is asked for elsewhere, or later: nothing to judge here
        fetches.get(1).complete(AllPagesTest.Fetches.page("/goods/y/"));
        boolean early = future.isDone();
        release.countDown();
        failing.join(Duration.ofSeconds(AllPagesTest.LIMIT_SECONDS));
        if (held && early) {
            return "fetchAll([/goods/x/, /goods/y/]): /goods/x/ failed, and while its callback was still making its page"
                    + " (asking its exception for the message), /goods/y/ finished: the future completed then, holding "
                    + seen.getNow(null) + ", before /goods/x/'s page was in. This is the race of the last two fetches"
                    + " finishing at once, which the check made happen: put the page in the map before you count it in"
                    + " (or use allOf), so that the callback that sees the count reach zero knows every page is there.";
        }
        Map<String, String> got = AllPagesTest.expectDone(seen, "/goods/x/ failed and /goods/y/ finished");
        if (got.size() != 2) return "fetchAll([/goods/x/, /goods/y/]) completed holding " + got + ", not both pages.";
        return null;
    }

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

    private static void finish(List<? extends CompletableFuture<String>> fetches, int i) {
        if (i % 10 == 0) fetches.get(i).completeExceptionally(new IOException("HTTP 500"));
        else fetches.get(i).complete(AllPagesTest.Fetches.page("/goods/" + i + "/"));
    }

    private static void finishAll(List<? extends CompletableFuture<String>> fetches) {
        for (int i = 0; i < fetches.size(); i++) finish(fetches, i);
    }
}
