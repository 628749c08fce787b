package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class SnippetIndexTest {
    @Test
    void wrapperClassNames() {
        assertEquals("REPL.$JShell$12B", SnippetIndex.outerClass("REPL.$JShell$12B$Counter$Inner"));
        assertEquals("REPL.$JShell$7", SnippetIndex.outerClass("REPL.$JShell$7"));
        assertNull(SnippetIndex.outerClass("java.lang.Thread"));
        assertEquals(12, SnippetIndex.keyIndex("REPL.$JShell$12B"));
        assertEquals(-1, SnippetIndex.keyIndex("REPL.$JShell$"));
    }

    @Test
    void framesOfUnknownClassesStayAsTheyAre() {
        var index = new SnippetIndex();
        var frame = new StackTraceElement("REPL.$JShell$99", "do_it$", "$JShell$99.java", 8);
        assertSame(frame, index.translate(frame));
        var jdk = new StackTraceElement("java.lang.Thread", "run", "Thread.java", 1);
        assertSame(jdk, index.translate(jdk));
    }
}
