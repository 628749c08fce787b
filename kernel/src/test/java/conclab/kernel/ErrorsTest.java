package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import conclab.kernel.engine.EngineWire;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    static String plain(List<String> lines) {
        return String.join("\n", lines).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    static StackTraceElement frame(String cls, String method, String file, int line) {
        return new StackTraceElement(cls, method, file, line);
    }

    @Test
    void snippetFramesBecomeCellLinesAndPlumbingDisappears() {
        Map<String, Errors.Origin> origins = Map.of("4", new Errors.Origin(3, 10), "7", new Errors.Origin(5, 1));
        StackTraceElement[] frames = {
                frame("java.lang.Integer", "parseInt", "Integer.java", 661),
                frame("java.lang.Integer", "parseInt", "Integer.java", 777),
                frame("", "convert", "#4", 2),
                frame("java.util.ArrayList", "forEach", "ArrayList.java", 1596),
                frame("", "", "#7", 1),
                frame("jdk.internal.reflect.DirectMethodHandleAccessor", "invoke", null, 103),
                frame("java.lang.reflect.Method", "invoke", "Method.java", 580),
                frame("conclab.kernel.engine.EngineControl", "invoke", "EngineControl.java", 47),
        };
        String text = plain(Errors.frames(frames, origins::get));
        assertEquals(String.join("\n",
                "    at java.lang.Integer.parseInt(Integer.java:661)",
                "    at java.lang.Integer.parseInt(Integer.java:777)",
                "    at convert (cell [3], line 11)",
                "    ... 1 frame in the JDK",
                "    at cell [5], line 1"), text);
    }

    @Test
    void aLongRunOfJdkFramesAtTheTopIsCut() {
        StackTraceElement[] frames = new StackTraceElement[8];
        for (int i = 0; i < 7; i++) frames[i] = frame("java.util.concurrent.Thing", "m" + i, "Thing.java", i);
        frames[7] = frame("", "", "#1", 1);
        String text = plain(Errors.frames(frames, id -> new Errors.Origin(1, 1)));
        assertEquals(3, text.lines().filter(l -> l.contains("Thing.m")).count());
        assertTrue(text.contains("... 4 frames in the JDK"), text);
    }

    @Test
    void lambdasAndUnknownSnippetsAreNamedPlainly() {
        assertEquals("lambda in main (snippet 9, line 2)",
                plain(List.of(Errors.describe(frame("", "lambda$main$0", "#9", 2), id -> null))));
        assertEquals("lambda (cell [1], line 1)",
                plain(List.of(Errors.describe(frame("", "lambda$do_it$$0", "#9", 1), id -> new Errors.Origin(1, 1)))));
        assertEquals("Counter.add (cell [2], line 4)",
                plain(List.of(Errors.describe(frame("Counter", "add", "#3", 2), id -> new Errors.Origin(2, 3)))));
        assertEquals("demo.Lib.run(Lib.java:5)", Errors.describe(frame("demo.Lib", "run", "Lib.java", 5), id -> null));
    }

    @Test
    void anExceptionAndItsCause() {
        var chain = List.of(
                new EngineWire.Failure("java.lang.IllegalStateException", "outer", new StackTraceElement[] {frame("", "", "#1", 1)}),
                new EngineWire.Failure("java.io.IOException", null, new StackTraceElement[0]));
        ErrorReport r = Errors.exception(chain, id -> new Errors.Origin(4, 2));
        assertEquals("IllegalStateException", r.name());
        assertEquals("outer", r.value());
        assertEquals(String.join("\n",
                "java.lang.IllegalStateException: outer",
                "    at cell [4], line 2",
                "Caused by: java.io.IOException"), plain(r.traceback()));
    }

    @Test
    void compileErrorsMarkTheSpanOnItsLine() {
        String snippet = "\n\nint total = 0;\nint bad = \"seven\";";
        int start = snippet.indexOf("\"seven\"");
        ErrorReport r = Errors.compile(new Errors.Problem("incompatible types: String cannot be converted to int", start, start + 7), snippet, 5);
        assertEquals("CompileError", r.name());
        assertEquals(String.join("\n",
                "Compile error in line 8:",
                "    int bad = \"seven\";",
                "              ^~~~~~~",
                "incompatible types: String cannot be converted to int"), plain(r.traceback()));
    }

}
