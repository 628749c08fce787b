package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {
    @Test
    void tailRangeAndSearchAnswerAsTheProtocolSays() {
        History h = new History();
        h.add(1, "int a = 1;", null);
        h.add(2, "a + 1", "2");
        h.add(3, "a + 1", "2");
        h.add(5, "print(a)", null);
        assertEquals(List.of(List.of(1, 3, "a + 1"), List.of(1, 5, "print(a)")), h.tail(2, false));
        assertEquals(List.of(List.of(1, 2, List.of("a + 1", "2"))), h.range(0, 2, 3, true));
        assertEquals(4, h.range(History.SESSION, 1, 0, false).size(), "stop 0: to the end");
        assertEquals(List.of(), h.range(2, 1, 0, false), "another session has nothing");
        assertEquals(List.of(2, 3), lines(h.search("a + ?", false, 0, false)));
        assertEquals(List.of(3), lines(h.search("a*", false, 1, false)), "n: the latest matches");
        assertEquals(List.of(1, 3, 5), lines(h.search("*", true, 0, false)));
        assertEquals(List.of(), h.tail(0, false));
    }

    @Test
    void aGlobQuotesEverythingButStarAndQuestionMark() {
        assertTrue(History.glob("a.b*").matcher("a.bc\nd").matches());
        assertFalse(History.glob("a.b").matcher("axb").matches());
        assertTrue(History.glob("(?)").matcher("(x)").matches());
    }

    private static List<Object> lines(List<List<Object>> rows) {
        return rows.stream().map(r -> r.get(1)).toList();
    }
}
