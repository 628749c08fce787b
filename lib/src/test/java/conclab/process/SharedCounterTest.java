package conclab.process;

import static org.junit.jupiter.api.Assertions.*;

import conclab.process.SharedCounter.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SharedCounterTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void atomicIncrementsOfSharedMemoryAreNotLost() {
        assertEquals(2 * 200_000, SharedCounter.run(Mode.ATOMIC, 2, 200_000));
    }

    @Test
    void incrementsUnderAFileLockAreNotLost() {
        assertEquals(2 * 5_000, SharedCounter.run(Mode.LOCKED, 2, 5_000));
    }

    @Test
    void racyIncrementsMayBeLostButNeverAdded() {
        long count = SharedCounter.run(Mode.RACY, 2, 200_000);
        assertTrue(count > 0 && count <= 2 * 200_000, "count: " + count);
    }
}
