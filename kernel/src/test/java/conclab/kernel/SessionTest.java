package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import conclab.kernel.engine.Wire;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real session: JShell in this JVM, an engine JVM started from the reactor's class folders. */
class SessionTest {
    static final List<String> out = new CopyOnWriteArrayList<>();
    static Session session;

    static final EngineProcess.Listener LISTENER = new EngineProcess.Listener() {
        public void output(long cell, byte stream, String text) { out.add(cell + (stream == Wire.STDERR ? " err " : " out ") + text); }
        public void display(long cell, String id, boolean update, Map<String, String> bundle) { out.add(cell + " display " + bundle); }
        public void inputRequest(long cell, int request, String prompt) { }
        public void threadError(long cell, String thread, List<Wire.Failure> chain) { out.add(cell + " died " + thread); }
        public void processOutput(byte stream, String text) { out.add("process " + text); }
    };

    @BeforeAll
    static void start() throws Exception {
        session = Session.start(Options.from(Map.of()), LISTENER);
    }

    @AfterAll
    static void stop() {
        if (session != null) session.close();
    }

    @Test
    void expressionWithoutSemicolonIsTheValue() {
        Session.Result r = session.eval("1 + 1", 1, 1, 1, () -> false);
        assertNull(r.error());
        assertEquals(Map.of("text/plain", "2"), r.value());
    }
}
