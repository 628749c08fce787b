package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptTest {
    /** A learner's class that keeps what it is given, in a static list, as a wrong solution would. */
    static final class Keeper {
        static final List<Object> ALL = new ArrayList<>();
        static final int LIMIT = 3; // a constant: keeps nothing, not listed
        static final String NAME = "keeper"; // a constant too

        static final class Nested {
            static Object last;
        }
    }

    @Test
    void anObjectHeldByAStaticFieldIsStillReachableAndOneDroppedIsNot() {
        Object kept = new Object(), dropped = new Object();
        Keeper.ALL.add(kept);
        List<WeakReference<Object>> refs = Arrays.asList(new WeakReference<>(kept), new WeakReference<>(dropped), null);
        kept = null;
        dropped = null;
        try {
            assertEquals(1, Kept.stillReachable(refs), "the one in Keeper.ALL; the null element is not counted");
        } finally {
            Keeper.ALL.clear();
        }
        assertEquals(0, Kept.stillReachable(refs));
    }

    @Test
    void staticFieldsNamesTheFieldsThatCanKeepObjectsAtAnyDepthAndNoConstants() {
        assertEquals(List.of("Keeper.ALL", "Nested.last"), Kept.staticFields(Keeper.class));
        assertEquals(" (your classes' static fields: Keeper.ALL, Nested.last)", Kept.staticFieldsNote(Keeper.class));
        assertEquals("", Kept.staticFieldsNote(Kept.class), "a class with no static fields");
    }
}
