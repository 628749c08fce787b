package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CellTest {
    @Test
    void outputPastTheLineLimitIsCutAtALineAndCounted() {
        Cell cell = new Cell(7, 3, 1_000_000);
        assertEquals("a\nb\n", cell.admit("a\nb\n"));
        assertEquals("c\n", cell.admit("c\nd\ne\n"), "the third line is shown, the rest is not");
        assertEquals("", cell.admit("f\n"));
        String notice = cell.dropNotice();
        assertNotNull(notice);
        assertTrue(notice.contains("3 more lines (6 characters)"), notice);
        assertTrue(notice.contains("at most 3 lines and 1,000,000 characters"), notice);
        assertNull(cell.dropNotice(), "the same drops are reported once");
        assertEquals("", cell.admit("g"));
        assertTrue(cell.dropNotice().contains("4 more lines (7 characters)"));
    }

    @Test
    void oneLongPrintWithoutNewlineIsCutAtTheCharacterLimit() {
        Cell cell = new Cell(7, 20_000, 1_000);
        String huge = "x".repeat(20_000_000);
        assertEquals(1_000, cell.admit(huge).length(), "20 million characters in one print: the first 1,000 are shown");
        assertEquals("", cell.admit("y\n"), "nothing more once the limit is reached");
        assertTrue(cell.dropNotice().contains("2 more lines (19,999,002 characters)"));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        Cell cell = new Cell(7, 100, 3);
        assertEquals("ab", cell.admit("ab\uD83D\uDE00c"), "the emoji would be cut in half: it is not shown");
        assertEquals("", cell.admit("d"));
    }

    @Test
    void ownershipIsInheritedByNewThreads() throws Exception {
        Cell cell = new Cell(3, 10, 10);
        Cell.setCurrent(cell);
        try {
            var seen = new java.util.concurrent.atomic.AtomicReference<Cell>();
            var seenVirtual = new java.util.concurrent.atomic.AtomicReference<Cell>();
            Thread.ofPlatform().start(() -> seen.set(Cell.current())).join();
            Thread.ofVirtual().start(() -> seenVirtual.set(Cell.current())).join();
            assertSame(cell, seen.get());
            assertSame(cell, seenVirtual.get());
        } finally {
            Cell.setCurrent(null);
        }
    }
}
