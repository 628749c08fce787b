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
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Which reads of shared, changing state the learner's code makes with no lock held. A plain read (of a field that is
 * neither volatile nor final, or of an array's element) that no lock orders after the write it should see may return
 * a stale value, however long ago the write was (JLS 17.4), and the JIT may hoist it out of a caller's loop: a quick
 * look at a count before taking the lock that guards it ({@code if (free == 0) return false;}) may refuse what a
 * refund on another thread freed. Model checking (Lincheck) runs sequentially consistent steps and does not see it;
 * a stress test sees it almost never.
 *
 * <p>How: in a copy of the learner's classes ({@link #copy}), each read of an instance field of a primitive or boxed
 * type, and of an element of a primitive array, calls a hook just after it with the place read; a read of a field
 * that is volatile or final is then ignored. A {@link Watch} runs steps (calls of the copy) on threads of its own; a read a watched thread makes
 * of a place of the shared objects (the root the watch was given, and the learner's objects and primitive arrays that
 * its fields hold, transitively) is noted with whether the thread held any lock then: a monitor or an ownable lock
 * ({@code ReentrantLock}, a {@code ReentrantReadWriteLock}'s write lock) as {@code ThreadInfo} reports, or the read
 * lock of a {@code ReentrantReadWriteLock} in a shared object's field. A lock that has no owner to report (a
 * {@code Semaphore} with no permit left, a locked {@code StampedLock}, a {@code Lock} of another kind) in such a
 * field is given the benefit of the doubt: the read counts as locked. After each step the shared places' values are
 * compared with those before it: {@link Watch#unlocked} names an unlocked read of a place that some step changed. A
 * place that never changes (a capacity kept in a plain field) may be read without a lock: the thread that started
 * the watched thread published it. Which lock is held is not judged: a read under another lock than the write's is
 * the business of a check that knows the write's lock ({@link ReadsUnderLock}); {@link Watch#readsChangedState}
 * tells such a check whether a call reads changing state at all, locked or not (a getter that reads only a volatile
 * count beside a plain statistic does not).
 *
 * <p>Thread-safety: the hooks may be called by any thread; a watch's reads are noted by its steps' threads and read
 * by the thread that made the watch, after each step has returned ({@link Waiting#returns} joins it). One watch at a
 * time per copy is what the tests need; any number may exist.
 */
public final class UnlockedReads {
    private UnlockedReads() {}

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    /** The watch whose step the calling thread runs, and the step's name, if any. */
    private static final ThreadLocal<Watching> WATCHING = new ThreadLocal<>();

    private record Watching(Watch watch, String step) {}

    private static final ClassDesc HOOKS = ClassDesc.of(UnlockedReads.class.getName());
    private static final MethodTypeDesc UNPLACED_HOOK = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_String);

    /**
     * A copy of the learner's classes in which each read of an instance field of a primitive or boxed type, and of a
     * primitive array's element, calls {@link #readField} or {@link #readElement} just after it. Constructors are
     * left as they are: an object being built is not yet shared.
     */
    public static InstrumentedCopy copy(String name, ClassLoader parent) {
        return new InstrumentedCopy(name, parent, (cls, method) ->
                method.methodName().equalsString("<init>") ? CodeTransform.ACCEPT_ALL : UnlockedReads::hookReads);
    }

    /** Adds a call of a hook after a read, the stack shuffled so that the hook gets the place and the value stays. */
    private static void hookReads(CodeBuilder code, CodeElement e) {
        if (e instanceof FieldInstruction f && f.opcode() == Opcode.GETFIELD && (f.typeSymbol().isPrimitive() || boxed(f.typeSymbol()))) {
            boolean wide = TypeKind.from(f.typeSymbol()).slotSize() == 2;
            InstrumentedCopy.readThenHook(code, e, wide, HOOKS, "readField", f.name().stringValue());
        } else if (e instanceof InvokeInstruction call && unorderedCall(call)) {
            String what = call.owner().asSymbol().displayName() + "." + call.name().stringValue();
            code.ldc(what).invokestatic(HOOKS, "readUnplaced", UNPLACED_HOOK).with(e);
        } else if (e instanceof ArrayLoadInstruction load && load.typeKind() != TypeKind.REFERENCE) {
            InstrumentedCopy.loadThenHook(code, load, HOOKS, "readElement");
        } else {
            code.with(e);
        }
    }

    /**
     * Whether {@code call} reads with no ordering in a way the hooks cannot place: a VarHandle's get or getOpaque
     * (plain and opaque mode), an atomic's getPlain or getOpaque.
     */
    private static boolean unorderedCall(InvokeInstruction call) {
        String owner = call.owner().asInternalName(), name = call.name().stringValue();
        if (owner.equals("java/lang/invoke/VarHandle")) return name.equals("get") || name.equals("getOpaque");
        return owner.startsWith("java/util/concurrent/atomic/Atomic") && (name.equals("getPlain") || name.equals("getOpaque"));
    }

    private static boolean boxed(ClassDesc type) {
        return type.packageName().equals("java.lang") && switch (type.displayName()) {
            case "Integer", "Long", "Short", "Byte", "Character", "Boolean", "Float", "Double" -> true;
            default -> false;
        };
    }

    /** Called by the copies just after a read of the field {@code field} of {@code target}. */
    public static void readField(Object target, String field) {
        Watching w = WATCHING.get();
        if (w != null) w.watch.read(w.step, target, field, -1);
    }

    /** Called by the copies just after a read of element {@code index} of the primitive array {@code array}. */
    public static void readElement(Object array, int index) {
        Watching w = WATCHING.get();
        if (w != null) w.watch.read(w.step, array, null, index);
    }

    /** Called by the copies just before a call that reads in plain or opaque mode ({@code what}: "VarHandle.get"). */
    public static void readUnplaced(String what) {
        Watching w = WATCHING.get();
        if (w != null) w.watch.unplaced.add(w.step);
    }

    /**
     * Whether a call of {@code read} on a new object of the copy of the learner's class {@code className} reads, with a
     * lock held or not, a place that a call of {@code write} before it changed, or reads in plain or opaque mode
     * through a VarHandle or an atomic's getPlain (which the copy cannot place: it counts as such a read). Each call
     * runs on a thread of its own, and must return within {@code limit}. Null when no copy can be made or run (the
     * class has no constructor without parameters, say): then nothing is known.
     *
     * @param write       the name of the method that changes the object's state, which takes {@code writeArgs}
     * @param writeTypes  its parameters' types
     * @param read        the name of the method that reads it, with no parameters
     */
    public static Boolean readsWhatWriteChanges(ClassLoader parent, String className, String write, Class<?>[] writeTypes,
            Object[] writeArgs, String read, Duration limit) throws Exception {
        InstrumentedCopy copy = copy("reads-of-" + read, parent);
        Object target;
        java.lang.reflect.Method w, r;
        try {
            var make = copy.copyOf(className).getDeclaredConstructor();
            make.setAccessible(true);
            target = make.newInstance();
            w = copy.method(className, write, writeTypes);
            r = copy.method(className, read);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
        Watch watch = new Watch(copy, target);
        watch.step("a thread calling " + write + "()", limit, () -> InstrumentedCopy.invoke(w, target, writeArgs));
        watch.step("a thread calling " + read + "()", limit, () -> InstrumentedCopy.invoke(r, target));
        return watch.readsChangedState("a thread calling " + read + "()");
    }

    /**
     * Steps run on a copy's objects, and the reads they made. Not thread-safe: one thread makes the watch and runs
     * its steps, one at a time; each step's own thread notes its reads.
     */
    public static final class Watch {
        private final InstrumentedCopy copy;
        private final Object root;
        /** The shared objects, by identity; replaced, never changed, after each step (read by the steps' threads). */
        private volatile Set<Object> shared;
        /** The shared places' values after the last step. */
        private Map<Place, Object> values;
        /** Places some step changed. */
        private final Set<Place> changed = new java.util.HashSet<>();
        /** Each place read with no lock held, with where and in which step: the first read of each place. Guarded by itself. */
        private final Map<Place, String> unlockedReads = new java.util.LinkedHashMap<>();
        /** The places each step read, with a lock held or not (the step's name, then the place). */
        private final Set<java.util.Map.Entry<String, Place>> reads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** The steps that read in plain or opaque mode through a call ({@link #readUnplaced}). */
        private final Set<String> unplaced = java.util.concurrent.ConcurrentHashMap.newKeySet();

        /** A watch over {@code root}, an object of {@code copy}'s classes, and what its fields hold. */
        public Watch(InstrumentedCopy copy, Object root) {
            this.copy = copy;
            this.root = root;
            look();
        }

        /**
         * Runs {@code call} on a thread of its own, watched, and waits for it to return (it must, within
         * {@code limit}); returns what it returned and throws what it threw, as {@link Waiting#returns} does.
         */
        public Object step(String what, Duration limit, Waiting.Call call) throws Exception {
            try {
                return Waiting.start(what, () -> {
                    WATCHING.set(new Watching(this, what));
                    try {
                        return call.call();
                    } finally {
                        WATCHING.remove();
                    }
                }).returns(limit);
            } finally {
                look();
            }
        }

        /**
         * The first read, in words, that a step made with no lock held of a place some step changed:
         * "ThreadSeats.book (line 12 of your solution cell) read ThreadSeats.free with no lock held, in thread A's
         * booking"; null if none.
         */
        public String unlocked() {
            synchronized (unlockedReads) {
                for (var e : unlockedReads.entrySet()) {
                    if (changed.contains(e.getKey())) return e.getValue();
                }
            }
            return null;
        }

        /**
         * Whether the step named {@code step} read a place that some step changed, with a lock held or not, or read
         * in plain or opaque mode through a call that cannot be placed (a VarHandle's get, an atomic's getPlain).
         */
        public boolean readsChangedState(String step) {
            if (unplaced.contains(step)) return true;
            return reads.stream().anyMatch(r -> r.getKey().equals(step) && changed.contains(r.getValue()));
        }

        private void read(String step, Object target, String field, int index) {
            if (!shared.contains(target) || field != null && !plain(target.getClass(), field)) return;
            Place place = new Place(target, field, index);
            reads.add(java.util.Map.entry(step, place));
            synchronized (unlockedReads) {
                if (unlockedReads.containsKey(place)) return;
            }
            if (holdsALock(target)) return;
            String where = Evidence.where(Thread.currentThread().getStackTrace());
            String read = (where == null ? "your code" : where) + " read " + (field == null ? "element " + index + " of an "
                    + target.getClass().getComponentType().getName() + " array that " + simpleName(root) + " keeps"
                    : simpleName(target) + "." + field) + " with no lock held, in " + step;
            synchronized (unlockedReads) {
                unlockedReads.putIfAbsent(place, read);
            }
        }

        /**
         * Whether the calling thread holds a lock now: {@code target}'s monitor, any monitor or ownable lock, a read
         * lock of a shared object's ReentrantReadWriteLock, or (the benefit of the doubt) a shared object's lock that
         * has no owner to tell: a Semaphore with no permit left, a locked StampedLock, a Lock of another kind.
         */
        private boolean holdsALock(Object target) {
            if (Thread.holdsLock(target)) return true;
            ThreadInfo[] infos = MX.getThreadInfo(new long[] {Thread.currentThread().threadId()}, true, true);
            ThreadInfo me = infos.length == 0 ? null : infos[0];
            if (me == null || me.getLockedMonitors().length > 0 || me.getLockedSynchronizers().length > 0) return true;
            for (Object o : shared) {
                for (Object lock : fieldValues(o)) {
                    if (lock instanceof ReentrantReadWriteLock rw && rw.getReadHoldCount() > 0) return true;
                    if (lock instanceof Semaphore s && s.availablePermits() == 0) return true;
                    if (lock instanceof StampedLock s && (s.isReadLocked() || s.isWriteLocked())) return true;
                    if (lock instanceof Lock && !(lock instanceof ReentrantLock)) return true;
                }
            }
            return false;
        }

        /** Recomputes the shared objects and notes the places whose values changed since the last look. */
        private void look() {
            Set<Object> found = Collections.newSetFromMap(new IdentityHashMap<>());
            List<Object> todo = new ArrayList<>(List.of(root));
            while (!todo.isEmpty()) {
                Object o = todo.removeLast();
                if (!found.add(o)) continue;
                if (o.getClass().isArray()) continue;
                for (Object v : fieldValues(o)) {
                    if (v != null && (v.getClass().getClassLoader() == copy || v.getClass().isArray() && v.getClass().getComponentType().isPrimitive())) {
                        todo.add(v);
                    }
                }
            }
            Map<Place, Object> now = new java.util.HashMap<>();
            for (Object o : found) {
                if (o.getClass().isArray()) {
                    for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) now.put(new Place(o, null, i), java.lang.reflect.Array.get(o, i));
                } else {
                    for (Field f : instanceFields(o.getClass())) {
                        try {
                            now.put(new Place(o, f.getName(), -1), f.get(o));
                        } catch (ReflectiveOperationException | RuntimeException e) {
                            // not readable: not a place this watch can compare
                        }
                    }
                }
            }
            if (values != null) {
                for (var e : now.entrySet()) {
                    if (values.containsKey(e.getKey()) && !java.util.Objects.equals(values.get(e.getKey()), e.getValue())) changed.add(e.getKey());
                }
            }
            values = now;
            shared = found;
        }

        /** Whether the field {@code name} that an object of class {@code c} has (its own or inherited) is neither volatile nor final. */
        private static boolean plain(Class<?> c, String name) {
            for (Field f : instanceFields(c)) {
                if (f.getName().equals(name)) return (f.getModifiers() & (Modifier.VOLATILE | Modifier.FINAL)) == 0;
            }
            return false;
        }

        /** The values of {@code o}'s instance fields (its superclasses' too) that can be read. */
        private static List<Object> fieldValues(Object o) {
            List<Object> values = new ArrayList<>();
            if (o.getClass().isArray()) return values;
            for (Field f : instanceFields(o.getClass())) {
                try {
                    values.add(f.get(o));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // not readable: not looked at
                }
            }
            return values;
        }

        /** The instance fields of {@code c} and of its superclasses below Object, made accessible where they can be. */
        private static List<Field> instanceFields(Class<?> c) {
            List<Field> fields = new ArrayList<>();
            for (; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
                    try {
                        f.setAccessible(true);
                        fields.add(f);
                    } catch (RuntimeException e) {
                        // a JDK class's private field: not the learner's state
                    }
                }
            }
            return fields;
        }

        /** A field of an object, or an element of an array (field null), the object compared by identity. */
        private record Place(Object target, String field, int index) {
            @Override
            public boolean equals(Object o) {
                return o instanceof Place p && p.target == target && java.util.Objects.equals(p.field, field) && p.index == index;
            }

            @Override
            public int hashCode() {
                return (System.identityHashCode(target) * 31 + java.util.Objects.hashCode(field)) * 31 + index;
            }
        }

        private static String simpleName(Object o) {
            return o.getClass().getName().substring(o.getClass().getName().lastIndexOf('.') + 1).replace('$', '.');
        }
    }
}
