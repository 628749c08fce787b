package conclab.process;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class WireTest {
    @Test
    void escapedTextStaysOnOneLineAndComesBackTheSame() {
        for (String text : new String[] {"", "plain", "a\nb", "\r\n", "\\", "\\n", "ends with \\", "\\\\n\n\\r", "ü ß 中文 \t"}) {
            String line = Wire.escape(text);
            assertFalse(line.contains("\n") || line.contains("\r"), line);
            assertEquals(text, Wire.unescape(line));
        }
    }

    @Test
    void aMessageIsAWordAndAText() {
        assertEquals("ok", Wire.word("ok 42"));
        assertEquals("42", Wire.text("ok 42"));
        assertEquals("a b\nc", Wire.text("out a b\\nc"));
        assertEquals("ok", Wire.word("ok"));
        assertEquals("", Wire.text("ok"));
        assertEquals("", Wire.text("ok "));
    }
}
