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
        assertEquals(List.of(List.of(1, 3, "a + 1"), List.of(1, 5, "print(a)")), h.find("tail", false, 0, 0, 0, 2, null, false));
        assertEquals(List.of(List.of(1, 2, List.of("a + 1", "2"))), h.find("range", true, 0, 2, 3, 0, null, false));
        assertEquals(4, h.find("range", false, History.SESSION, 1, 0, 0, null, false).size(), "stop 0: to the end");
        assertEquals(List.of(), h.find("range", false, 2, 1, 0, 0, null, false), "another session has nothing");
        assertEquals(List.of(2, 3), lines(h.find("search", false, 0, 0, 0, 0, "a + ?", false)));
        assertEquals(List.of(3), lines(h.find("search", false, 0, 0, 0, 1, "a*", false)), "n: the latest matches");
        assertEquals(List.of(1, 3, 5), lines(h.find("search", false, 0, 0, 0, 0, "*", true)));
        assertEquals(List.of(), h.find("tail", false, 0, 0, 0, 0, null, false));
        assertEquals(List.of(), h.find("nonsense", false, 0, 0, 0, 9, null, false));
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
