package conclab.process;

import static org.junit.jupiter.api.Assertions.*;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipesTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void aChildAnswersEachLineOnItsStdout() {
        var child = LineChild.start(UpperCase.class);
        try (child) {
            assertNotEquals(ProcessHandle.current().pid(), child.pid());
            assertEquals("HELLO", child.ask("hello"));
            assertEquals("ÜBER ÉTÉ", child.ask("über été"));
            assertEquals("", child.ask(""));
            child.send("one");
            child.send("two");
            assertEquals("ONE", child.readLine());
            assertEquals("TWO", child.readLine());
        }
        Children.assertEnded(child.pid());
        assertThrows(UncheckedIOException.class, () -> child.send("too late"));
    }

    @Test
    void aLineMustBeOneLine() {
        try (var child = LineChild.start(UpperCase.class)) {
            assertThrows(IllegalArgumentException.class, () -> child.send("two\nlines"));
        }
    }
}
