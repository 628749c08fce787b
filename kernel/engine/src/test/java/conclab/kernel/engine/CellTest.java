package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class CellTest {
    @Test
    void outputPastTheLimitIsDroppedAndCounted() {
        Cell cell = new Cell(7, 3, 1_000_000);
        assertTrue(cell.admit(2, 10));
        assertTrue(cell.admit(1, 10));
        assertFalse(cell.admit(1, 10));
        assertFalse(cell.admit(5, 50));
        String notice = cell.dropNotice();
        assertNotNull(notice);
        assertTrue(notice.contains("6 more lines"), notice);
        assertTrue(notice.contains("at most 3 lines"), notice);
        assertNull(cell.dropNotice(), "the same drops are reported once");
        assertFalse(cell.admit(1, 1));
        assertTrue(cell.dropNotice().contains("7 more lines"));
    }

    @Test
    void theByteLimitCountsToo() {
        Cell cell = new Cell(7, 1000, 100);
        assertTrue(cell.admit(1, 100));
        assertFalse(cell.admit(1, 1));
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
