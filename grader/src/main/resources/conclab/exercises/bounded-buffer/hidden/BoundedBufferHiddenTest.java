import conclab.grader.probe.Hang;
import conclab.grader.probe.HeldLocks;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hidden tests of the bounded-buffer exercise: run when grading only. */
class BoundedBufferHiddenTest {
    /** Both takers are asleep before the put, so the outcome does not depend on timing. */
    @Test
    @Property("two-takers-one-item")
    void twoTakersOneItem() throws Exception {
        BoundedBuffer<String> b = new BoundedBuffer<>(2);
        BoundedBufferTest.smoke(b, "s");
        Waiting first = Waiting.start("first take()", b::take), second = Waiting.start("second take()", b::take);
        if (!first.parks(Duration.ofSeconds(2)) || !second.parks(Duration.ofSeconds(2))) {
            throw new AssertionError("Two take() calls on an empty buffer should both wait, and they kept running.");
        }
        b.put("one");
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!first.done() && !second.done() && System.nanoTime() < deadline) Thread.onSpinWait();
        Waiting woken = first.done() ? first : second, other = woken == first ? second : first;
        Object got = woken.returns(Duration.ofSeconds(1));
        if (!other.parks(Duration.ofMillis(300)) || other.done()) {
            String what = other.done() ? describe(other) : "kept running";
            throw new AssertionError("One item was put for two waiting take() calls. The first returned " + got
                    + "; the second " + what + " although the buffer was empty again: after waking, a taker"
                    + " must check again that an item is there (await() in a while loop, not an if).");
        }
        b.put("two");
        Object last = other.returns(Duration.ofSeconds(2));
        if (!"two".equals(last) || !"one".equals(got)) {
            throw new AssertionError("The two takers got " + got + " and " + last + ", not \"one\" and \"two\".");
        }
        BoundedBufferTest.Stretched c = BoundedBufferTest.Stretched.of(4); // a signal, not a time limit, must wake them
        bothWake(c, "take()", c::take, () -> { c.put("x"); c.put("y"); }, "two items were put, one right after the other",
                "Each put() must signal a waiting taker (notEmpty.signal() on every put, not only when the buffer was empty:"
                + " the second put found it not empty, because the first taker had not run yet).");
    }

    /**
     * Two calls of {@code call} wait on {@code b}; then {@code twice} runs (two puts, or two takes) while the test holds
     * every lock in b's fields, so that neither waiting call runs between the two: each of the two must wake and
     * return. A buffer that signals only when it was empty (or full) signals once here, and the second call waits for
     * ever; or, if it waits with a time limit (await(10, MILLISECONDS) in its loop), would wake by that limit, which
     * {@code b}, a {@link BoundedBufferTest.Stretched} copy, makes days long: only a signal wakes a waiter here.
     * Deterministic: the locks, not timing, order the steps. (Without a Lock field, the two run back to back.)
     */
    static void bothWake(BoundedBufferTest.Stretched b, String what, Waiting.Call call, Step twice, String done, String fix)
            throws InterruptedException {
        Waiting one = Waiting.start("a " + what, call), other = Waiting.start("another " + what, call);
        if (!one.parks(Duration.ofSeconds(2)) || !other.parks(Duration.ofSeconds(2)) || one.done() || other.done()) {
            return; // not both waiting: the other tests say why
        }
        java.util.List<java.util.concurrent.locks.Lock> locks = HeldLocks.locksIn(b.buffer);
        try (HeldLocks.Held held = HeldLocks.hold(locks)) {
            twice.run();
        } catch (Exception e) {
            throw new AssertionError("With two calls of " + what + " waiting, " + done + ", and that threw " + e + ".");
        }
        long deadline = System.nanoTime() + 5_000_000_000L; // 5 s for both: within the test's 10 s, both stuck or not
        for (Waiting w : java.util.List.of(one, other)) w.thread().join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        int stuck = (one.done() ? 0 : 1) + (other.done() ? 0 : 1);
        if (stuck > 0) {
            one.thread().interrupt();
            other.thread().interrupt();
            throw new AssertionError("Two calls of " + what + " waited, and " + done + (locks.isEmpty() ? "" : " (the test"
                    + " held the buffer's lock across both, so that no waiting call ran in between)") + ": " + stuck
                    + " of the two " + (stuck == 1 ? "was" : "were") + " still waiting 5 s later. " + fix + " "
                    + BoundedBufferTest.Stretched.WHY);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /**
     * A taker and a putter wait together, and the taker that runs must wake the putter. Two takers wait on an empty
     * buffer of capacity 1, one after the other; then, while the test holds the buffer's locks, a putter asks for
     * them and the test puts an item, which wakes the first taker. The putter queued for the lock first, so it runs
     * first: it finds the buffer full and waits. The woken taker takes the item, and must wake the putter, for whom
     * there is room now. One Condition for both states with signal() wakes the other taker instead (the one that has
     * waited longest on it), which finds the buffer empty and waits again: the signal is lost, and the putter and
     * that taker wait for ever. Deterministic: the lock's queue and the Condition's queue, each first in first out,
     * order every step. (Without a Lock field, nothing can hold the steps in this order: the test is skipped.) The
     * buffer is a {@link BoundedBufferTest.Stretched} copy: a thread whose signal was lost is not rescued by the time
     * limit of its wait (await(10, MILLISECONDS) in a loop), which is days long there.
     */
    @Test
    @Property("wakes-the-right-waiter")
    void wakesTheRightWaiter() throws Exception {
        BoundedBuffer<String> original = new BoundedBuffer<>(1);
        BoundedBufferTest.smoke(original, "s");
        BoundedBufferTest.Stretched b = BoundedBufferTest.Stretched.of(1);
        java.util.List<java.util.concurrent.locks.Lock> locks = HeldLocks.locksIn(b.buffer);
        if (locks.isEmpty()) return; // waits-on-condition says why a buffer without a Lock fails
        Waiting first = Waiting.start("first take()", b::take);
        if (!first.parks(Duration.ofSeconds(2)) || first.done()) return; // not waiting: the other tests say why
        Waiting second = Waiting.start("second take()", b::take); // started once the first waits: queued behind it
        if (!second.parks(Duration.ofSeconds(2)) || second.done()) return;
        Waiting put;
        try (HeldLocks.Held held = HeldLocks.hold(locks)) {
            put = Waiting.start("put(\"y\")", () -> { b.put("y"); return null; });
            put.parks(Duration.ofSeconds(2)); // queued for the held lock, ahead of the taker that put("x") wakes
            b.put("x");
        }
        java.util.List<Thread> threads = java.util.List.of(first.thread(), second.thread(), put.thread());
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (Thread t : threads) t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        long stuck = threads.stream().filter(Thread::isAlive).count();
        if (stuck > 0) {
            String why = Hang.diagnose(threads);
            threads.forEach(Thread::interrupt);
            throw new AssertionError("Two take() calls waited on an empty buffer of capacity 1; then put(\"x\") woke one"
                    + " of them, and put(\"y\") came before it ran, found the buffer full and waited too (the test held"
                    + " the buffer's lock to order these steps). The woken taker took \"x\", so there was room for \"y\","
                    + " and the two puts and two takes could all finish; but 5 s later " + stuck + " of the three calls"
                    + " still waited:\n" + why + "\nA signal() wakes the thread that has waited longest on its Condition,"
                    + " and here that thread waited for the other state: it checked, waited again, and the signal was"
                    + " lost. Wait on two Conditions (notFull in put(), notEmpty in take()) and signal the one the other"
                    + " side waits on; or, with one Condition for both, wake every waiter with signalAll(). "
                    + BoundedBufferTest.Stretched.WHY);
        }
        for (Waiting w : java.util.List.of(first, second, put)) w.returns(Duration.ZERO); // what one of them threw
    }

    /**
     * A take() waiting on an empty buffer is interrupted: it must end with InterruptedException (what
     * await() throws), and leave the lock free, so that a put() and a take() from other threads still work.
     */
    @Test
    @Property("take-interruptible")
    void takeInterruptible() throws InterruptedException {
        BoundedBuffer<String> b = new BoundedBuffer<>(2);
        BoundedBufferTest.smoke(b, "s");
        Waiting.start("take() on an empty buffer", b::take).endsWhenInterrupted("Let the InterruptedException of"
                + " notEmpty.await() end take() (no awaitUninterruptibly(), no catch that waits again).",
                got -> got + " instead of throwing InterruptedException.");
        Waiting after = Waiting.start("put(\"x\") then take() after the interrupted take()", () -> {
            b.put("x");
            return b.take();
        });
        Object got;
        try {
            got = after.returns(Duration.ofSeconds(5));
        } catch (AssertionError e) {
            if (e.getMessage() == null || !e.getMessage().contains("did not return")) throw e;
            throw new AssertionError("After a waiting take() was interrupted (and threw InterruptedException), "
                    + e.getMessage() + " The interrupted take() kept the lock: unlock in a finally block.");
        }
        if (!"x".equals(got)) throw new AssertionError("After an interrupted take(), put(\"x\") then take() gave " + got + ".");
    }

    private static String describe(Waiting w) {
        try {
            return "returned " + w.returns(Duration.ZERO);
        } catch (AssertionError e) {
            return "threw: " + e.getMessage();
        }
    }

    @Test
    @Property("put-waits-when-full")
    void putWaitsWhenFull() throws Exception {
        BoundedBuffer<Integer> b = new BoundedBuffer<>(1);
        BoundedBufferTest.smoke(b, 0);
        b.put(1);
        Waiting put = Waiting.start("put(2) into a full buffer", () -> { b.put(2); return null; });
        boolean parked = put.parks(Duration.ofSeconds(2)); // returns once it is parked: a correct put loses nothing
        if (put.done()) {
            put.returns(Duration.ZERO);
            throw new AssertionError("put(2) into a full buffer of capacity 1 returned at once instead of waiting for room.");
        }
        String in = put.waitsIn();
        boolean onCondition = BoundedBufferTest.awaitsInYourCode(put.thread());
        Waiting.Watch watch = put.watch(Duration.ofMillis(500));
        Integer first = b.take();
        put.returns(Duration.ofSeconds(2));
        Integer second = b.take();
        if (first == null || first != 1 || second == null || second != 2) {
            throw new AssertionError("After put(1), put(2) on a buffer of capacity 1, take() gave " + first + " then " + second + ".");
        }
        if (watch.spins()) {
            throw new AssertionError("While put(2) waited for room in a full buffer, " + watch.describe() + ": it keeps"
                    + " checking (a busy wait) instead of sleeping until take() signals. Wait with notFull.await().");
        }
        if (!parked) {
            throw new AssertionError("put(2) into a full buffer never went to sleep within 2 s: it kept running (a busy"
                    + " wait) instead of waiting with notFull.await().");
        }
        if (!onCondition) {
            throw new AssertionError("put(2) into a full buffer waits in " + in + ": the exercise asks for a Condition of the"
                    + " buffer's own lock (notFull.await(), called by put() itself), which take() can wake at once.");
        }
        BoundedBufferTest.Stretched c = BoundedBufferTest.Stretched.of(2); // a signal, not a time limit, must wake them
        c.put(1);
        c.put(2);
        bothWake(c, "put(3)", () -> { c.put(3); return null; }, () -> { c.take(); c.take(); },
                "two items were taken from the full buffer, one right after the other",
                "Each take() must signal a waiting putter (notFull.signal() on every take, not only when the buffer was"
                + " full: the second take found it not full, because the first putter had not run yet).");
        putInterruptible(b);
    }

    /**
     * Puts four items into a buffer of capacity 4 and takes them back: then nothing the buffer holds (its fields,
     * arrays, and objects of the learner's classes, such as nodes, followed from it) may still refer to one of them.
     * A slot that keeps a taken item keeps it from the garbage collector for as long as the slot is not reused
     * (Effective Java, item 7: obsolete references). Reflection, not the garbage collector, so the answer is exact.
     */
    @Test
    @Property("forgets-taken-items")
    void forgetsTakenItems() throws Exception {
        BoundedBuffer<Object> b = new BoundedBuffer<>(4);
        java.util.List<Object> items = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Object item = new Object() {
                @Override
                public String toString() {
                    return "item " + items.indexOf(this);
                }
            };
            items.add(item);
            b.put(item);
        }
        for (int i = 0; i < 4; i++) b.take();
        String path = referrer(b, "the buffer", items, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0);
        if (path != null) {
            throw new AssertionError("After 4 items were put into a buffer of capacity 4 and all 4 taken, " + path + ": the"
                    + " buffer keeps a reference to an item it has handed out, which the garbage collector cannot then free"
                    + " until the slot is reused. Set the slot to null when you take its item.");
        }
    }

    /** Where, from {@code o} (called {@code name}), one of {@code items} is still referred to; null if nowhere. */
    private static String referrer(Object o, String name, java.util.List<Object> items, java.util.Set<Object> seen, int depth)
            throws IllegalAccessException {
        if (o == null || depth > 50 || !seen.add(o)) return null;
        if (o instanceof Object[] array) {
            for (int i = 0; i < array.length; i++) {
                for (Object item : items) if (array[i] == item) return name + "[" + i + "] still holds " + item;
                String deeper = referrer(array[i], name + "[" + i + "]", items, seen, depth + 1);
                if (deeper != null) return deeper;
            }
            return null;
        }
        Class<?> c = o.getClass();
        if (c.getModule().isNamed() || c.getPackageName().startsWith("java")) return insideJdk(o, name, items, seen, depth);
        for (; c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                if (!f.trySetAccessible()) continue;
                Object value = f.get(o);
                for (Object item : items) if (value == item) return name + "." + f.getName() + " still holds " + item;
                String deeper = referrer(value, name + "." + f.getName(), items, seen, depth + 1);
                if (deeper != null) return deeper;
            }
        }
        return null;
    }

    /**
     * Where, inside a JDK object, one of {@code items} is still referred to; null if nowhere. What a JDK object holds
     * is what its public methods show: the elements of a collection (a ring of slots in an ArrayList shows its stale
     * slots too), the keys and values of a map, the slots of an AtomicReferenceArray, an AtomicReference's value.
     * Its private fields are its own business: an ArrayDeque clears the slot it hands out.
     */
    private static String insideJdk(Object o, String name, java.util.List<Object> items, java.util.Set<Object> seen, int depth)
            throws IllegalAccessException {
        java.util.Map<String, Object> parts = new java.util.LinkedHashMap<>();
        if (o instanceof java.util.List<?> list) {
            Object[] all = list.toArray();
            for (int i = 0; i < all.length; i++) parts.put(name + ".get(" + i + ")", all[i]);
        } else if (o instanceof java.util.Collection<?> collection) {
            Object[] all = collection.toArray();
            for (int i = 0; i < all.length; i++) parts.put("element " + i + " of " + name, all[i]);
        } else if (o instanceof java.util.Map<?, ?> map) {
            int i = 0;
            for (var e : map.entrySet()) {
                parts.put("key " + i + " of " + name, e.getKey());
                parts.put(name + ".get(key " + i + ")", e.getValue());
                i++;
            }
        } else if (o instanceof java.util.concurrent.atomic.AtomicReferenceArray<?> array) {
            for (int i = 0; i < array.length(); i++) parts.put(name + ".get(" + i + ")", array.get(i));
        } else if (o instanceof java.util.concurrent.atomic.AtomicReference<?> ref) {
            parts.put(name + ".get()", ref.get());
        }
        for (var part : parts.entrySet()) {
            for (Object item : items) if (part.getValue() == item) return part.getKey() + " still holds " + item;
            String deeper = referrer(part.getValue(), part.getKey(), items, seen, depth + 1);
            if (deeper != null) return deeper;
        }
        return null;
    }

    /** Part of the property above: one test per property (the check keeps one result for each). */
    private static void putInterruptible(BoundedBuffer<Integer> b) throws InterruptedException {
        b.put(3); // full again
        Waiting.start("put(4) into a full buffer", () -> { b.put(4); return null; }).endsWhenInterrupted("Let the"
                + " InterruptedException of notFull.await() end put() (no awaitUninterruptibly(), no catch that waits"
                + " again).", got -> "instead of throwing InterruptedException: its caller cannot tell that the item was"
                + " not put.");
        Waiting after = Waiting.start("take() after the interrupted put()", b::take);
        Object got;
        try {
            got = after.returns(Duration.ofSeconds(5));
        } catch (AssertionError e) {
            if (e.getMessage() == null || !e.getMessage().contains("did not return")) throw e;
            throw new AssertionError("After a waiting put() was interrupted (and threw InterruptedException), "
                    + e.getMessage() + " The interrupted put() kept the lock: unlock in a finally block.");
        }
        if (!Integer.valueOf(3).equals(got)) throw new AssertionError("After an interrupted put(4), take() gave " + got + " instead of 3.");
    }
}
