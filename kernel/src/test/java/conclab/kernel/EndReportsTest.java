package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndReportsTest {
    private static CellRun stoppedBy(String reason) {
        CellRun run = new CellRun(1, 1, null, true, false);
        run.stopReason = reason;
        run.cellLimit = Duration.ofMillis(500);
        return run;
    }

    @Test
    void aStoppedCellSaysWhichLimitAndWhatItsCodeThrew() {
        Options options = Options.from(Map.of("CONCLAB_TIMEOUT", "2m"));
        ErrorReport r = EndReports.stopped(stoppedBy("timeout"), new ErrorReport("InterruptedException", "sleep interrupted",
                List.of("header", "  at cell [1], line 3")), options);
        assertEquals("Interrupted", r.name());
        assertTrue(r.value().contains("time limit of 2 min (CONCLAB_TIMEOUT)"), r.value());
        assertTrue(r.traceback().contains("Its code ended with InterruptedException: sleep interrupted, at:"), r.traceback().toString());
        assertTrue(r.traceback().contains("  at cell [1], line 3"));
        assertTrue(EndReports.stopped(stoppedBy("cell-limit"), null, options).value().contains("500 ms (%%timeout)"));
        assertEquals("The cell was interrupted.", EndReports.stopped(stoppedBy("interrupt"), null, options).value());
    }

    @Test
    void anEngineThatEndedUnderAStoppedCellIsTheErrorShown() {
        ErrorReport restarted = new ErrorReport("EngineRestarted", "killed", List.of("killed"));
        assertSame(restarted, EndReports.stopped(stoppedBy("interrupt"), restarted, Options.from(Map.of())));
    }

    @Test
    void anEngineOutOfMemoryNamesItsHeapLimit() {
        Options options = Options.from(Map.of("CONCLAB_JVM_OPTS", "-Xmx1g -Xmx512m"));
        ErrorReport r = EndReports.engineEnded("The engine JVM ran out of memory", new ErrorReport("OutOfMemoryError", "Java heap space",
                List.of("java.lang.OutOfMemoryError: Java heap space")), options);
        assertEquals("EngineRestarted", r.name());
        assertTrue(r.traceback().contains("The engine's heap is limited by CONCLAB_JVM_OPTS (now -Xmx512m); an -Xmx there sets it."),
                r.traceback().toString());
        assertTrue(r.traceback().getLast().startsWith("Run the cells you need again"));
    }

    @Test
    void byDefaultTheHeapLimitIsAShareOfTheMemory() {
        ErrorReport r = EndReports.engineEnded("The engine JVM ran out of memory", new ErrorReport("OutOfMemoryError", "Java heap space",
                List.of("java.lang.OutOfMemoryError: Java heap space")), Options.from(Map.of()));
        assertTrue(r.traceback().contains("The engine's heap is limited by CONCLAB_JVM_OPTS (now -XX:MaxRAMPercentage=30"
                + " -XX:ErgoHeapSizeLimit=2g, a share of the memory); an -Xmx there sets it."), r.traceback().toString());
    }
}
