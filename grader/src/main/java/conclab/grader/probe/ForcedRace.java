package conclab.grader.probe;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes a read-modify-write race of the learner's code happen every time, on any machine: in a copy of the learner's
 * classes ({@link #copy}), a thread the test has armed is held just after it read a primitive field or a primitive
 * array element, until another armed thread has read the same field of the same object (or the same element of the
 * same array). Both then go on with the value they read: code that writes back what it computed from it
 * ({@code count++} on a plain or volatile field, {@code --left[0]}, a lock that nobody else takes) loses an update
 * in every round, which a stress test shows only when two threads happen to interleave there.
 *
 * <p>Why it never fails a correct solution: holding a thread just after a read is a schedule that any machine may
 * run (the scheduler pauses a thread between two instructions, for as long as it likes), so holding only widens a
 * window that the code already has; it cannot create a race the code does not have. Code that holds a lock around
 * the read and the write keeps the other thread out while it is held: that thread blocks before its read, the hold
 * ends (see below), and the first thread writes before the other reads. An {@code AtomicInteger}'s or
 * {@code AtomicLong}'s value read by a call of the learner's ({@code get()}, its plain, opaque and acquire kin,
 * {@code intValue()}, {@code longValue()}) is held like a field's: {@code get()} then {@code set()} loses an update as
 * {@code count++} does. What an atomic reads inside the JDK's classes ({@code incrementAndGet}, {@code updateAndGet},
 * a {@code LongAdder}) is not copied: nothing is held. A compare-and-set loop that reads a field or an atomic's value
 * is held and met, and its compare-and-set then fails for one thread, which reads again.
 *
 * <p>A hold is bounded: it ends when another armed thread reads the same place (they met), or when no other thread
 * can come ({@code parties} armed threads have come, and each other one still armed is blocked or parked on a lock
 * the held thread owns, or waits, untimed, in the learner's code with no owner to wait for, as for a semaphore's
 * permit or in {@code wait()}), or after the round's patience (it timed out: then nothing more is held in that round,
 * so that a round costs at most one patience; {@link Round#othersLate} says whether another round may do better).
 * Only one thread is held at a time; the first armed thread to read
 * while no one is held is the one held. Reads in constructors and static initializers are not hooked: an object
 * being built is not yet shared, and a class being initialized would make the other thread wait for its lock.
 *
 * <p>Thread-safety: the hooks may be called by any thread. One round is armed at a time ({@link #arm}); a copy's
 * hooks do nothing while none is.
 */
public final class ForcedRace {
    private ForcedRace() {}

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    /** How often a held thread looks whether the others can still come. */
    private static final long LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** The round armed now, or null. */
    private static final AtomicReference<Round> CURRENT = new AtomicReference<>();

    /**
     * A copy of the learner's classes in which each read of a primitive field (getfield, getstatic), of an element
     * of a primitive array (iaload, laload, ...) or of an atomic's value (see the class comment) calls
     * {@link #readField} or {@link #readElement} just after it, with the place it read. Constructors and static
     * initializers are left as they are.
     */
    public static InstrumentedCopy copy(String name, ClassLoader parent) {
        return new InstrumentedCopy(name, parent, (cls, method) -> {
            String m = method.methodName().stringValue();
            return m.equals("<init>") || m.equals("<clinit>") ? CodeTransform.ACCEPT_ALL : ForcedRace::hookReads;
        });
    }

    private static final ClassDesc HOOKS = ClassDesc.of(ForcedRace.class.getName());
    private static final MethodTypeDesc FIELD_HOOK = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object, ConstantDescs.CD_String);

    /**
     * Adds a call of a hook after a primitive read: the hook gets the place (the object, null for a static field, and
     * the field's name; or the array and the index) and the value read is left where it was.
     */
    private static void hookReads(CodeBuilder code, CodeElement e) {
        if (e instanceof FieldInstruction f && f.typeSymbol().isPrimitive()
                && (f.opcode() == Opcode.GETFIELD || f.opcode() == Opcode.GETSTATIC)) {
            boolean wide = TypeKind.from(f.typeSymbol()).slotSize() == 2;
            String field = f.owner().asSymbol().displayName().replace('$', '.') + "." + f.name().stringValue();
            if (f.opcode() == Opcode.GETSTATIC) {
                code.with(e).aconst_null();                  // ..., value, null
                code.ldc(field).invokestatic(HOOKS, "readField", FIELD_HOOK); // ..., value
            } else {
                InstrumentedCopy.readThenHook(code, e, wide, HOOKS, "readField", field);
            }
        } else if (e instanceof InvokeInstruction call && atomicRead(call)) {
            boolean wide = TypeKind.from(call.typeSymbol().returnType()).slotSize() == 2;
            String owner = call.owner().asSymbol().displayName();
            InstrumentedCopy.readThenHook(code, e, wide, HOOKS, "readField", "the " + owner + "'s value (" + call.name().stringValue() + "())");
        } else if (e instanceof ArrayLoadInstruction load && load.typeKind() != TypeKind.REFERENCE) {
            InstrumentedCopy.loadThenHook(code, load, HOOKS, "readElement");
        } else {
            code.with(e);
        }
    }

    /** Whether {@code call} reads an AtomicInteger's or AtomicLong's value and nothing else: get() and its kin. */
    private static boolean atomicRead(InvokeInstruction call) {
        String owner = call.owner().asInternalName();
        return call.opcode() == Opcode.INVOKEVIRTUAL
                && (owner.equals("java/util/concurrent/atomic/AtomicInteger") || owner.equals("java/util/concurrent/atomic/AtomicLong"))
                && call.typeSymbol().parameterCount() == 0
                && Set.of("get", "getPlain", "getOpaque", "getAcquire", "intValue", "longValue").contains(call.name().stringValue());
    }

    /**
     * Called by the copies just after a read of the primitive field {@code field} ("Class.name") of {@code target}
     * (null: a static field), or of the atomic {@code target}'s value ({@code field} then says so in words).
     */
    public static void readField(Object target, String field) {
        Round r = CURRENT.get();
        if (r != null) r.read(target, field, -1);
    }

    /** Called by the copies just after a read of element {@code index} of the primitive array {@code array}. */
    public static void readElement(Object array, int index) {
        Round r = CURRENT.get();
        if (r != null) r.read(array, null, index);
    }

    /**
     * Arms a round: until it is closed, the threads that {@link Round#join} it are held as the class comment says.
     *
     * @param parties  how many armed threads the test starts: a hold does not end early before that many have come
     * @param patience the longest a hold lasts when no other thread reads the same place (1 to 2 s: the other thread
     *                 of a racy pair may be slow to be scheduled on a busy machine)
     * @throws IllegalStateException if another round is armed
     */
    public static Round arm(int parties, Duration patience) {
        Round r = new Round(parties, patience);
        if (!CURRENT.compareAndSet(null, r)) throw new IllegalStateException("a ForcedRace round is armed already");
        return r;
    }

    /** One armed round; close it when the threads are done (try-with-resources). Thread-safe. */
    public static final class Round implements AutoCloseable {
        private final int parties;
        private final long patienceNanos;
        private final Set<Thread> armed = ConcurrentHashMap.newKeySet();
        /** Guards the fields below. */
        private final Object lock = new Object();
        private int joined, meetings;
        private Hold held;
        private boolean timedOut, othersLate, closed;
        private String firstMeeting;

        private Round(int parties, Duration patience) {
            this.parties = parties;
            this.patienceNanos = patience.toNanos();
        }

        /** A thread held at a place, until {@code met} is counted down. */
        private record Hold(Thread thread, Object target, String field, int index, String where, CountDownLatch met) {
            boolean at(Object target, String field, int index) {
                return this.target == target && Objects.equals(this.field, field) && this.index == index;
            }

            /** "SafeCounter.count", or "element 0 of an int array". */
            String place() {
                if (field != null) return field;
                String type = target.getClass().getComponentType().getName();
                return "element " + index + " of " + (type.equals("int") ? "an " : "a ") + type + " array";
            }
        }

        /** Arms the calling thread, until {@link #leave}. */
        public void join() {
            // armed before counted: a hold that sees all parties counted must find each of them in armed (counted
            // first, a thread preempted between the two was missed, and the hold ended as if no other could come)
            armed.add(Thread.currentThread());
            synchronized (lock) {
                joined++;
            }
        }

        /** Disarms the calling thread: it is held no more, and no hold waits for it. */
        public void leave() {
            armed.remove(Thread.currentThread());
        }

        /** {@code pool}, with each task run by an armed thread: the thread joins the round for that task. */
        public Executor armed(Executor pool) {
            return task -> pool.execute(() -> {
                join();
                try {
                    task.run();
                } finally {
                    leave();
                }
            });
        }

        /** How many holds ended because another thread read the same place. */
        public int meetings() {
            synchronized (lock) {
                return meetings;
            }
        }

        /** Whether a hold lasted the whole patience, no other thread reading the same place in that time. */
        public boolean timedOut() {
            synchronized (lock) {
                return timedOut;
            }
        }

        /**
         * Whether a hold timed out while another thread of the round had not yet reached the learner's code (see
         * {@link #timedOut}): a busy machine had not run it yet, and another round may see the threads meet. When the
         * others were in the learner's code all along (spinning for a lock, say), another round would see the same.
         */
        public boolean othersLate() {
            synchronized (lock) {
                return othersLate;
            }
        }

        /**
         * The first meeting in words, for a learner: "the check held a thread just after it read SafeCounter.count in
         * SafeCounter.increment (line 8 of your solution cell), as a busy machine may pause any thread between two
         * steps, until another thread had read it too, in the same place"; null if none.
         */
        public String meeting() {
            synchronized (lock) {
                return firstMeeting;
            }
        }

        /** Disarms the round: a thread still held goes on, and nothing more is held. */
        @Override
        public void close() {
            synchronized (lock) {
                closed = true;
                if (held != null) held.met.countDown();
                held = null;
            }
            CURRENT.compareAndSet(this, null);
        }

        private void read(Object target, String field, int index) {
            Thread me = Thread.currentThread();
            if (!armed.contains(me)) return;
            Hold mine;
            synchronized (lock) {
                if (closed || timedOut) return;
                if (held != null) {
                    if (held.thread != me && held.at(target, field, index)) {
                        meetings++;
                        if (firstMeeting == null) {
                            String other = where(me.getStackTrace());
                            firstMeeting = "the check held a thread just after it read " + held.place() + in(held.where)
                                    + ", as a busy machine may pause any thread between two steps, until another thread"
                                    + " had read it too, " + (Objects.equals(other, held.where) ? "in the same place"
                                    : other == null ? "elsewhere" : "in " + other);
                        }
                        held.met.countDown();
                        held = null;
                    }
                    return; // one thread is held at a time
                }
                held = mine = new Hold(me, target, field, index, where(me.getStackTrace()), new CountDownLatch(1));
            }
            hold(mine);
        }

        /**
         * The innermost frame of the learner's code in {@code stack}, as {@link Evidence#where(StackTraceElement)}
         * says it, a lambda's synthetic method named by the method it is written in: "a lambda in Pages.both (line 14
         * of your solution cell)". Null when the stack is not in the learner's code.
         */
        private static String where(StackTraceElement[] stack) {
            for (StackTraceElement e : stack) {
                if (!Evidence.isLearners(e)) continue;
                String[] lambda = e.getMethodName().split("\\$"); // lambda$both$0: written in both
                if (lambda.length != 3 || !lambda[0].equals("lambda")) return Evidence.where(e);
                String in = lambda[1].equals("new") ? "<init>" : lambda[1]; // lambda$new$0: in a constructor
                return "a lambda in " + Evidence.where(new StackTraceElement(e.getClassName(), in, e.getFileName(), e.getLineNumber()));
            }
            return null;
        }

        private static String in(String where) {
            return where == null ? "" : " in " + where;
        }

        /** Waits until another thread reads the same place, no other can come, the patience is spent, or the round closes. */
        private void hold(Hold h) {
            long deadline = System.nanoTime() + patienceNanos;
            boolean interrupted = false;
            try {
                while (!othersCannotCome(h.thread)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        boolean late = othersLate(h.thread);
                        synchronized (lock) {
                            if (held == h) {
                                timedOut = true;
                                othersLate |= late;
                            }
                        }
                        return;
                    }
                    try {
                        if (h.met.await(Math.min(left, LOOK_NANOS), TimeUnit.NANOSECONDS)) return;
                    } catch (InterruptedException e) {
                        interrupted = true; // kept for the learner's code, which may look at it; the hold goes on
                    }
                }
            } finally {
                synchronized (lock) {
                    if (held == h) held = null;
                }
                if (interrupted) Thread.currentThread().interrupt();
            }
        }

        /**
         * Whether some of the {@code parties} have not come yet, or some other armed thread has not reached the
         * learner's code yet (it is still in the test's code, or not yet run by a busy machine).
         */
        private boolean othersLate(Thread me) {
            synchronized (lock) {
                if (joined < parties) return true;
            }
            for (Thread t : armed) {
                if (t != me && t.isAlive() && Arrays.stream(t.getStackTrace()).noneMatch(Evidence::isLearners)) return true;
            }
            return false;
        }

        /**
         * Whether no other armed thread can read anything before {@code me} goes on: all {@code parties} have come,
         * and each other one still armed has ended, or waits for a lock {@code me} owns, or waits untimed in the
         * learner's code for something with no owner (a permit, a notify) that only a thread held here could give.
         */
        private boolean othersCannotCome(Thread me) {
            synchronized (lock) {
                if (joined < parties) return false;
            }
            for (Thread t : armed) {
                if (t != me && t.isAlive() && !stuck(t, me)) return false;
            }
            return true;
        }

        /**
         * Whether {@code t} waits for {@code me}: blocked or parked on a lock {@code me} owns, or waiting untimed in
         * the learner's code with no owner to wait for. The state and the stack come from one snapshot: a stack taken
         * apart from the state may be a moment later, after a wait elsewhere (a JDK class's initialization, met
         * on the way into the learner's code) has ended, and would make a thread on its way look stuck there.
         */
        private static boolean stuck(Thread t, Thread me) {
            ThreadInfo info = t.isVirtual() ? null : MX.getThreadInfo(t.threadId(), Integer.MAX_VALUE);
            if (info == null) return false;
            Thread.State s = info.getThreadState();
            if (s != Thread.State.BLOCKED && s != Thread.State.WAITING) return false;
            if (info.getLockOwnerId() == me.threadId()) return true;
            if (info.getLockOwnerId() != -1 || s == Thread.State.BLOCKED) return false; // another thread's lock: it may get it
            return Arrays.stream(info.getStackTrace()).anyMatch(Evidence::isLearners);
        }
    }
}
