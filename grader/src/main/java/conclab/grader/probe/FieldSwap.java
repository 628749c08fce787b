package conclab.grader.probe;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Puts a test's stand-in (a map that makes two readers meet, a semaphore that counts timed waits) in a learner's
 * field, in place of the JDK object the skeleton put there, so that a probe sees what the learner's code does with
 * it. The stand-in is a subclass of that object's class and starts in the same state.
 *
 * <p>A swap must never change what correct code does, or a right solution fails. So it is made only when the field
 * holds an object of exactly the skeleton's class (a learner's own subclass may behave otherwise), when the field can
 * take the stand-in, and when no other field holds the same object: neither another field of the learner's object
 * nor a field of an object it holds that the learner wrote (a helper, a lambda that captured the object). Had the
 * learner kept the object in a second place, the code would go on using the old one there, and the two halves would
 * no longer see each other. In every such case {@link #swap} swaps nothing and returns null: the probe then has
 * nothing to look at, and the check's other tests decide.
 *
 * <p>Stateless; call it before the learner's object is shared with other threads (the write to the field is a plain
 * one).
 */
public final class FieldSwap {
    private FieldSwap() {}

    /**
     * Replaces the object in {@code owner}'s field {@code name} (declared by {@code owner}'s class) by
     * {@code standIn.apply(original)}, and returns the stand-in; null, with nothing changed, when the field is missing,
     * does not hold an object of exactly {@code exactly}'s class, is held elsewhere too, or cannot take the stand-in.
     */
    public static <T> T swap(Object owner, String name, Class<?> exactly, Function<Object, T> standIn) {
        try {
            Field field = owner.getClass().getDeclaredField(name);
            if (Modifier.isStatic(field.getModifiers())) return null;
            field.setAccessible(true);
            Object original = field.get(owner);
            if (original == null || original.getClass() != exactly || heldElsewhere(owner, field, original)) return null;
            T replacement = standIn.apply(original);
            if (!field.getType().isInstance(replacement)) return null;
            field.set(owner, replacement);
            return replacement;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a field we cannot read or write: no swap
        }
    }

    /**
     * Whether a field other than {@code field} holds {@code target}: one of {@code owner}'s instance fields (its
     * class's and its superclasses', up to the first class of the JDK), or a field of a learner's object that one of them holds. An object whose fields
     * cannot be read counts as holding it.
     */
    static boolean heldElsewhere(Object owner, Field field, Object target) {
        for (Field f : instanceFields(owner.getClass())) {
            if (f.equals(field)) continue;
            Object value = read(f, owner);
            if (value == target || value == UNREADABLE) return true;
            if (value != null && learners(value.getClass()) && holds(value, target)) return true;
        }
        return false;
    }

    /** Whether one of {@code object}'s instance fields (those its learner's classes declare) holds {@code target} (or cannot be read). */
    private static boolean holds(Object object, Object target) {
        for (Field f : instanceFields(object.getClass())) {
            Object value = read(f, object);
            if (value == target || value == UNREADABLE) return true;
        }
        return false;
    }

    /** Classes outside the JDK's named modules: the learner's own, and the lambdas they wrote. */
    private static boolean learners(Class<?> type) {
        return !type.getModule().isNamed() && !type.isArray();
    }

    private static final Object UNREADABLE = new Object();

    private static Object read(Field f, Object object) {
        if (f.getType().isPrimitive()) return null;
        try {
            f.setAccessible(true);
            return f.get(object);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return UNREADABLE;
        }
    }

    private static List<Field> instanceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        // only the learner's classes: the JDK's fields are its own business, and its modules do not open them
        for (Class<?> c = type; c != null && learners(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) fields.add(f);
            }
        }
        return fields;
    }
}
