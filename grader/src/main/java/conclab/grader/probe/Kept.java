package conclab.grader.probe;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a program still keeps once it is gone: a test holds some of its objects weakly (a server's connections, say),
 * drops the program, and asks how many are still reachable after full garbage collections; when some are, the static
 * fields of the learner's classes are the likely keepers, and the message names them.
 *
 * <p>{@link System#gc()} is a full, stop-the-world collection in the grader's JVMs (neither
 * {@code -XX:+DisableExplicitGC} nor {@code -XX:+ExplicitGCInvokesConcurrent} is set), after which a weakly reachable
 * object's reference is cleared. The class has no state.
 */
public final class Kept {
    private Kept() {}

    /**
     * How many of {@code refs} still refer to their object after at most three full garbage collections (fewer when
     * none does any more). Null elements stand for objects the test could not find, and are not counted.
     */
    public static long stillReachable(List<? extends WeakReference<?>> refs) {
        List<? extends WeakReference<?>> looked = refs.stream().filter(Objects::nonNull).toList();
        for (int i = 0; i < 3 && looked.stream().anyMatch(r -> r.get() != null); i++) System.gc();
        return looked.stream().filter(r -> r.get() != null).count();
    }

    /**
     * The static fields of {@code top} and of the classes nested in it, at any depth, as {@code Class.field}; left out
     * are synthetic fields and constants of a primitive type or {@code String}, which keep nothing.
     */
    public static List<String> staticFields(Class<?> top) {
        List<String> found = new ArrayList<>();
        List<Class<?>> classes = new ArrayList<>(List.of(top));
        for (int i = 0; i < classes.size(); i++) { // classes grows as nested classes are found
            Class<?> c = classes.get(i);
            classes.addAll(Arrays.asList(c.getDeclaredClasses()));
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) || f.isSynthetic()) continue;
                if (Modifier.isFinal(m) && (f.getType().isPrimitive() || f.getType() == String.class)) continue;
                found.add(c.getSimpleName() + "." + f.getName());
            }
        }
        return found;
    }

    /** {@code " (your classes' static fields: A.x, B.y)"}, from {@link #staticFields}; empty when there are none. */
    public static String staticFieldsNote(Class<?> top) {
        List<String> statics = staticFields(top);
        return statics.isEmpty() ? "" : " (your classes' static fields: " + String.join(", ", statics) + ")";
    }
}
