import conclab.grader.probe.FieldSwap;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Public tests of the hit-counter exercise: the learner may read them. */
class HitCounterTest {
    @Test
    @Property("counts-alone")
    void countsAlone() {
        HitCounter c = new HitCounter();
        for (int i = 0; i < 5; i++) c.hit("/a");
        c.hit("/b");
        expect(c.hits("/a"), 5, "hits(\"/a\") after 5 hits");
        expect(c.hits("/b"), 1, "hits(\"/b\") after 1 hit");
        expect(c.hits("/never"), 0, "hits of a page never hit");
    }

    /** 8 threads released together, each hitting "/a" and "/b" in turn for 300 ms; up to 5 rounds in 3 s. */
    @Test
    @Property("no-lost-hits")
    void noLostHits() {
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            HitCounter c = new HitCounter();
            long[] made = new long[8];
            Stress.together("8 threads calling hit()", 8, Duration.ofSeconds(5), t -> {
                // each thread its own String objects: equal page names, as from a request, need not be one object
                String a = new String("/a"), b = new String("/b");
                long end = System.nanoTime() + 300_000_000L, n = 0;
                while (System.nanoTime() < end) {
                    c.hit(a);
                    c.hit(b);
                    n++;
                }
                made[t] = n;
            });
            long each = java.util.Arrays.stream(made).sum(), a = c.hits("/a"), b = c.hits("/b");
            if (a == each && b == each) return null;
            return String.format("8 threads hit each of /a and /b %,d times in all; hits(\"/a\") gave %,d and"
                    + " hits(\"/b\") %,d: %,d hits were lost.", each, a, b, 2 * each - a - b);
        });
        firstHitsAtOnce();
    }

    /**
     * A page's first hit from two threads at once. The race on a first hit (both see the page absent, both put 1)
     * can happen only once per page, so a stress run seldom shows it: here each empty ConcurrentHashMap in the
     * counter's fields (the skeleton's {@code hits}, or a map of counters the learner added) is replaced by one
     * whose reads make the two threads meet, once each, before either goes on. A hit that reads a map, then writes
     * what it read plus one (or a new counter), then loses one of the two. An atomic merge or compute reads nothing
     * this way, and a retry loop around putIfAbsent and replace only meets once. Each thread passes its own String
     * "/p": a lock on the page object is then not one lock for both.
     */
    static void firstHitsAtOnce() {
        HitCounter c = new HitCounter();
        java.util.List<Meeting> maps = Meeting.installAll(c);
        if (maps.isEmpty()) return; // no field that holds an empty ConcurrentHashMap: the stress rounds decide
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            String page = new String("/p"); // equal, not the same object
            threads[i] = Thread.ofPlatform().name("first hit " + (i + 1)).unstarted(() -> c.hit(page));
        }
        for (Meeting map : maps) {
            for (Thread t : threads) map.meeting.add(t);
        }
        for (Thread t : threads) t.start();
        for (Thread t : threads) {
            try {
                if (!t.join(Duration.ofSeconds(10))) throw new AssertionError("hit(\"/p\") on " + t.getName() + " did not return within 10 s.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("the check was interrupted");
            }
        }
        long got = c.hits("/p");
        if (got != 2) {
            boolean lockedPage = maps.stream().anyMatch(m -> m.readHoldingKey);
            throw new AssertionError("Two threads each hit the page /p, never hit before, at the same moment (the check made"
                    + " their reads of the map meet, as two threads can by chance); hits(\"/p\") then gave " + got + ", not 2:"
                    + " both saw the page absent (or at the same count) and wrote the same value."
                    + (lockedPage ? " hit() read the map holding the lock of the page String itself: equal page names"
                            + " need not be one object (here each thread passed its own new String(\"/p\")), so the two"
                            + " threads held different locks." : "")
                    + " Make the read and the write one atomic step: hits.merge(page, 1L, Long::sum) (or, for a map of"
                    + " counters, counters.computeIfAbsent(page, p -> new LongAdder()).increment()).");
        }
    }

    /**
     * A ConcurrentHashMap whose reads (get, getOrDefault, containsKey) make the threads of {@link #meeting} meet once
     * each, after the read and before it returns.
     */
    /** A map whose reads make the threads in {@link #meeting} meet, once each: see {@link #firstHitsAtOnce}. */
    static final class Meeting {
        final java.util.Set<Thread> meeting = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.Set<Thread> met = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
        /** Whether a meeting thread read this map holding the monitor of the key it read: for the message only. */
        volatile boolean readHoldingKey;

        void meet(Object key) {
            Thread me = Thread.currentThread();
            if (!meeting.contains(me) || !met.add(me)) return;
            if (key != null && Thread.holdsLock(key)) readHoldingKey = true;
            try {
                barrier.await(2, java.util.concurrent.TimeUnit.SECONDS); // the other may never read: then it gives up
            } catch (Exception e) {
                if (e instanceof InterruptedException) me.interrupt();
            }
        }

        /**
         * Puts a MeetingMap in each of {@code c}'s fields that holds an empty ConcurrentHashMap, in its place (and a
         * {@link MeetingWrapper} in each field of type Map that holds an empty map of the JDK's that is not concurrent), and
         * returns them: not only in the skeleton's field hits, since a learner may leave it unused and count in a map
         * of their own. A field whose map is held elsewhere too, or that holds something else, keeps its object
         * ({@link FieldSwap}).
         */
        static java.util.List<Meeting> installAll(HitCounter c) {
            java.util.List<Meeting> maps = new java.util.ArrayList<>();
            for (java.lang.reflect.Field f : c.getClass().getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                MeetingMap concurrent = FieldSwap.swap(c, f.getName(), java.util.concurrent.ConcurrentHashMap.class,
                        original -> ((java.util.Map<?, ?>) original).isEmpty() ? new MeetingMap() : null);
                Meeting map = concurrent != null ? concurrent.meeting : MeetingWrapper.install(c, f);
                if (map != null) maps.add(map);
            }
            return maps;
        }
    }

    /**
     * A stand-in for a map of the JDK's that is not concurrent (a {@code Collections.synchronizedMap}, a
     * {@code HashMap}) in a field declared as {@code Map}: it delegates every call to the original, each under its own
     * monitor, as a synchronized map does (so a {@code synchronized (map)} block in the learner's code still excludes
     * every single call), and its reads meet as {@link MeetingMap}'s do, once the monitor is let go.
     */
    static final class MeetingWrapper extends java.util.AbstractMap<Object, Object> {
        final Meeting meeting = new Meeting();
        private final java.util.Map<Object, Object> map;

        private MeetingWrapper(java.util.Map<Object, Object> map) {
            this.map = map;
        }

        /** Puts a wrapper of the empty map in {@code f}, when it is such a map in a field of type Map; else null. */
        @SuppressWarnings("unchecked")
        static Meeting install(HitCounter c, java.lang.reflect.Field f) {
            if (f.getType() != java.util.Map.class || !f.trySetAccessible()) return null;
            Object original;
            try {
                original = f.get(c);
            } catch (IllegalAccessException e) {
                return null;
            }
            if (!(original instanceof java.util.Map<?, ?> m) || !m.isEmpty() || original instanceof java.util.concurrent.ConcurrentMap
                    || !original.getClass().getName().startsWith("java.util.")) return null;
            MeetingWrapper w = FieldSwap.swap(c, f.getName(), original.getClass(),
                    o -> new MeetingWrapper((java.util.Map<Object, Object>) o));
            return w == null ? null : w.meeting;
        }

        @Override public Object get(Object key) { Object v; synchronized (this) { v = map.get(key); } meeting.meet(key); return v; }
        @Override public Object getOrDefault(Object key, Object d) { Object v; synchronized (this) { v = map.getOrDefault(key, d); } meeting.meet(key); return v; }
        @Override public boolean containsKey(Object key) { boolean v; synchronized (this) { v = map.containsKey(key); } meeting.meet(key); return v; }
        @Override public synchronized Object put(Object key, Object value) { return map.put(key, value); }
        @Override public synchronized Object remove(Object key) { return map.remove(key); }
        @Override public synchronized Object putIfAbsent(Object key, Object value) { return map.putIfAbsent(key, value); }
        @Override public synchronized boolean replace(Object key, Object old, Object value) { return map.replace(key, old, value); }
        @Override public synchronized Object merge(Object key, Object value, java.util.function.BiFunction<? super Object, ? super Object, ?> f) { return map.merge(key, value, f); }
        @Override public synchronized Object compute(Object key, java.util.function.BiFunction<? super Object, ? super Object, ?> f) { return map.compute(key, f); }
        @Override public synchronized Object computeIfAbsent(Object key, java.util.function.Function<? super Object, ?> f) { return map.computeIfAbsent(key, f); }
        @Override public synchronized Object computeIfPresent(Object key, java.util.function.BiFunction<? super Object, ? super Object, ?> f) { return map.computeIfPresent(key, f); }
        @Override public synchronized int size() { return map.size(); }
        @Override public synchronized java.util.Set<Entry<Object, Object>> entrySet() { return map.entrySet(); }
    }

    static final class MeetingMap extends java.util.concurrent.ConcurrentHashMap<Object, Object> {
        final Meeting meeting = new Meeting();

        // each read, then the meeting: both threads have read before either can write what it read
        @Override
        public Object get(Object key) {
            Object value = super.get(key);
            meeting.meet(key);
            return value;
        }

        @Override
        public Object getOrDefault(Object key, Object otherwise) {
            Object value = super.getOrDefault(key, otherwise);
            meeting.meet(key);
            return value;
        }

        @Override
        public boolean containsKey(Object key) {
            boolean present = super.containsKey(key);
            meeting.meet(key);
            return present;
        }
    }

    static void expect(long got, long want, String what) {
        if (got != want) throw new AssertionError(what + " gave " + got + ", expected " + want + ".");
    }
}
