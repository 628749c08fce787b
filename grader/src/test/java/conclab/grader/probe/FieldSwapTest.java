package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A swap happens only where it cannot change what the learner's code does. */
class FieldSwapTest {
    static final class Stand extends ConcurrentHashMap<String, Long> {}

    static final class Plain {
        final Map<String, Long> hits = new ConcurrentHashMap<>();
    }

    static final class Aliased {
        final Map<String, Long> hits = new ConcurrentHashMap<>();
        final Map<String, Long> view = hits;
    }

    static final class Captured {
        final ConcurrentHashMap<String, Long> hits = new ConcurrentHashMap<>();
        final Function<String, Long> reader = hits::get; // a lambda that holds the map
    }

    static final class Helper {
        final Map<String, Long> map;

        Helper(Map<String, Long> map) {
            this.map = map;
        }
    }

    static final class InHelper {
        final Map<String, Long> hits = new ConcurrentHashMap<>();
        final Helper helper = new Helper(hits);
    }

    static final class Subclassed {
        final Map<String, Long> hits = new ConcurrentHashMap<>() {};
    }

    static final class Narrow {
        final HashMapLike hits = new HashMapLike();
    }

    static final class HashMapLike extends ConcurrentHashMap<String, Long> {}

    private static Stand swap(Object owner) {
        return FieldSwap.swap(owner, "hits", ConcurrentHashMap.class, original -> new Stand());
    }

    @Test
    void swapsTheOnlyReference() throws ReflectiveOperationException {
        Plain p = new Plain();
        Stand s = swap(p);
        assertSame(s, p.getClass().getDeclaredField("hits").get(p));
    }

    @Test
    void leavesAnObjectHeldElsewhere() {
        Aliased a = new Aliased();
        Map<String, Long> before = a.hits;
        assertNull(swap(a));
        assertSame(before, a.hits);
        assertNull(swap(new Captured()));
        assertNull(swap(new InHelper()));
    }

    @Test
    void leavesOtherClassesAndMissingFields() {
        assertNull(swap(new Subclassed()));
        assertNull(swap(new Narrow())); // not exactly a ConcurrentHashMap
        assertNull(FieldSwap.swap(new Plain(), "counts", ConcurrentHashMap.class, original -> new Stand()));
        assertNull(FieldSwap.swap(new Plain(), "hits", ConcurrentHashMap.class, original -> null));
    }
}
