package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class MagicsTest {
    @Test
    void aCellMagicTakesTheWholeCell() {
        var parts = Magics.parse("%%time --quiet\nint x = 1;\nx + 1");
        assertEquals(List.of(new Magics.Cell("time", List.of("--quiet"), "int x = 1;\nx + 1", 1)), parts);
    }

    @Test
    void lineMagicsSplitTheCodeAndKeepLineNumbers() {
        var parts = Magics.parse("\n%classpath add lib/*.jar\nimport demo.*;\n\nnew Hello()\n%help\n");
        assertEquals(List.of(
                new Magics.Line("classpath", List.of("add", "lib/*.jar"), 2),
                new Magics.Code("import demo.*;\n\nnew Hello()\n", 3),
                new Magics.Line("help", List.of(), 6)), parts);
    }

    @Test
    void codeAloneIsOnePartStartingAtItsFirstLine() {
        assertEquals(List.of(new Magics.Code("int a = 5 % 3;\n", 3)), Magics.parse("\n\nint a = 5 % 3;"));
    }

    @Test
    void percentSignsThatAreJavaAreNotMagics() {
        var parts = Magics.parse("int r = 10\n    % 3;\nString s = \"%d\";\n%2");
        assertEquals(1, parts.size());
        assertInstanceOf(Magics.Code.class, parts.getFirst());
    }

    @Test
    void argumentsMayBeQuoted() {
        var parts = Magics.parse("%load \"my file.jsh\"");
        assertEquals(List.of(new Magics.Line("load", List.of("my file.jsh"), 1)), parts);
    }

    @Test
    void anEmptyCellHasNoParts() {
        assertEquals(List.of(), Magics.parse(""));
        assertEquals(List.of(), Magics.parse("\n  \n"));
    }
}
