package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TextTest {
    @Test
    void codePointsAndChars() {
        String s = "a😀b";
        assertEquals(3, Text.charIndex(s, 2));
        assertEquals(2, Text.codePointIndex(s, 3));
        assertEquals(s.length(), Text.charIndex(s, 99));
        assertEquals(0, Text.charIndex(s, -1));
    }

    @Test
    void magicLinesAreBlankedKeepingOffsets() {
        String code = "%classpath add x\nint a = 1;";
        String blank = Text.blankMagicLines(code);
        assertEquals(code.length(), blank.length());
        assertTrue(blank.endsWith("\nint a = 1;"));
        assertTrue(blank.startsWith("                "));
    }

    @Test
    void semicolonsEndValues() {
        assertTrue(Session.endsWithSemicolon("x + 1;"));
        assertTrue(Session.endsWithSemicolon("x + 1; // done"));
        assertTrue(Session.endsWithSemicolon("x + 1; /* done */ "));
        assertFalse(Session.endsWithSemicolon("x + 1"));
        assertFalse(Session.endsWithSemicolon("x + 1 // a; b"));
        assertFalse(Session.endsWithSemicolon("\"a;\" // the string has one"));
        assertFalse(Session.endsWithSemicolon("s.equals(\"//;\")"));
    }
}
