package conclab.c10k.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's targets, table and JSON, from rows made up here. */
class ReportTest {
    /** A row of our generator: held all, no error, the given req/s, p99 and memory. */
    static Run ours(String server, int size, double rps, long p99us, long heap, long nativeBytes) {
        return new Run(server, size, "ours", size, 2000L, size, 0L, 0L, (long) rps * 5, (long) rps * 5, rps, p99us / 4, p99us, p99us * 2, 8.5, 0.02, 5,
                heap, nativeBytes, size, null);
    }

    static Run wrk(String server, int size, double rps) {
        return new Run(server, size, "wrk", null, null, null, 0L, 0L, null, (long) rps * 5, rps, 1000L, 9000L, null, 7.5, null, 5, null, null, null, null);
    }

    @Test
    void ratiosUseWrksRequestsPerSecondAndShowOursBeside() {
        List<Run> runs = List.of(ours("loop", 1000, 90_000, 1, 0, 0), ours("bare", 1000, 100_000, 1, 0, 0),
                wrk("loop", 1000, 96_000), wrk("bare", 1000, 100_000));
        Report.Target t = find(runs, "loop ≥ 0.95× bare at 1,000");
        assertEquals(Boolean.TRUE, t.met(), t.line()); // wrk 0.96 meets it, though ours is 0.90
        assertTrue(t.measured().startsWith("0.96× with wrk (96,000 vs 100,000 req/s); ours 0.90×"), t.measured());
        assertTrue(t.line().startsWith("met "), t.line());
    }

    @Test
    void withoutWrkTheRatioIsOursAndSaysSo() {
        List<Run> runs = List.of(ours("loop", 10000, 60_000, 1, 0, 0), ours("netty-epoll-1", 10000, 66_000, 1, 0, 0));
        Report.Target t = find(runs, "loop ≥ 1.00× netty-epoll-1 at 10,000");
        assertEquals(Boolean.FALSE, t.met());
        assertEquals("0.91× with ours (wrk did not run)", t.measured());
        assertTrue(t.line().startsWith("MISSED "), t.line());
    }

    @Test
    void targetsWhoseServersDidNotRunAreNotMeasured() {
        List<Run> runs = List.of(ours("loop", 1000, 90_000, 1, 0, 0));
        Report.Target t = find(runs, "loop ≥ 0.95× bare at 1,000");
        assertNull(t.met());
        assertTrue(t.line().startsWith("n/a "), t.line());
        assertNull(find(runs, "virtual at 10,000").met());
    }

    @Test
    void memoryPerIdleConnectionIsHeapPlusNative() {
        List<Run> runs = List.of(ours("loop", 1000, 1, 1, 300, 724), ours("virtual", 1000, 1, 1, 3000, 2200));
        assertEquals(Boolean.TRUE, find(runs, "memory per idle connection, loop ≤ 1 KB at 1,000").met()); // 1,024 B
        Report.Target v = find(runs, "memory per idle connection, virtual ≤ 5 KB at 1,000");
        assertEquals(Boolean.FALSE, v.met()); // 5,200 B
        assertEquals("5,200 B (heap 3,000 B + native 2,200 B)", v.measured());
    }

    @Test
    void atTenThousandAServerMustHoldAllWithoutErrorsAndAP99UnderAThirdOfASecond() {
        Run slow = ours("virtual", 10000, 50_000, 300_000, 0, 0), good = ours("loop", 10000, 70_000, 299_999, 0, 0);
        Run lost = new Run("netty-nio-1", 10000, "ours", 9999, 2000L, 9999, 0L, 0L, 1L, 1L, 1.0, 1L, 1L, 1L, 1.0, 0.0, 1, 1L, 1L, 9999, null);
        Run failed = Run.failed("netty-epoll-1", 10000, "ours", "the server printed no 'listening on' line");
        List<Run> runs = List.of(slow, good, lost, failed);
        assertEquals(Boolean.FALSE, find(runs, "virtual at 10,000").met());
        assertEquals(Boolean.TRUE, find(runs, "loop at 10,000").met());
        assertEquals(Boolean.FALSE, find(runs, "netty-nio-1 at 10,000").met());
        Report.Target t = find(runs, "netty-epoll-1 at 10,000");
        assertEquals(Boolean.FALSE, t.met());
        assertTrue(t.measured().contains("no 'listening on' line"), t.measured());
    }

    @Test
    void theTableHasALinePerServerInTheMatrixOrderAndTheNotes() {
        List<Run> runs = new ArrayList<>(List.of(ours("virtual", 1000, 50_000, 20_000, 3000, 1500),
                ours("threads", 1000, 30_000, 40_000, 900, 40_000), wrk("threads", 1000, 31_000), wrk("virtual", 1000, 52_000)));
        runs.set(0, runs.get(0).withNote("held 999 of 1000"));
        String table = Report.table(runs, 1000);
        List<String> rows = table.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| server")).toList();
        assertEquals(2, rows.size(), table);
        assertEquals("| threads | 30,000 | 31,000 | 10 | 40 | 80 | 1.00 | 9.00 | 0 / 0 | 0 / 0 | 1,000 | 1,000 | 8.5 / 7.5 | 5"
                + " | 900 | 40,000 | 40,900 |", rows.get(0));
        assertTrue(rows.get(1).startsWith("| virtual |"), rows.get(1));
        assertTrue(table.contains("- virtual, ours: held 999 of 1000"), table);
    }

    @Test
    void theJsonHasTheMachineAndOneFlatObjectPerRun() {
        List<Run> runs = List.of(ours("loop", 1000, 90_000, 1, 0, 0), wrk("loop", 1000, 96_000));
        String json = Report.json(Machine.read(), Map.of("seconds", 5), runs);
        assertTrue(json.startsWith("{\"machine\":{\"cores\":"), json);
        List<String> lines = json.lines().toList();
        Map<String, String> machine = FlatJson.parse(lines.get(0).substring("{\"machine\":".length()));
        assertEquals(List.of("cores", "model", "kernel", "jdk", "date", "openFiles", "maxProcesses", "ipLocalPortRange",
                "somaxconn", "pidMax", "threadsMax", "memoryBytes", "loadAverage", "cpusMeasured"), List.copyOf(machine.keySet()));
        assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()), machine.get("cores"));
        assertEquals("\"runs\":[", lines.get(2));
        Map<String, String> first = FlatJson.parse(lines.get(3));
        assertEquals(List.of("server", "size", "client", "held", "connectMs", "accepted", "errors", "timeouts", "sent", "completed", "rps", "p50us", "p99us",
                "p999us", "cpuUsPerRequest", "otherCpu", "threads", "heapPerConnBytes", "nativePerConnBytes", "answeredConnections",
                "note"), List.copyOf(first.keySet()));
        assertEquals("90000", first.get("rps"));
        assertEquals("wrk", FlatJson.parse(lines.get(4)).get("client"));
        assertNull(FlatJson.parse(lines.get(4)).get("held"));
        assertEquals("]}", lines.get(5));
    }

    private static Report.Target find(List<Run> runs, String startsWith) {
        return Report.targets(runs).stream().filter(t -> t.what().startsWith(startsWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no target " + startsWith + " in " + Report.targets(runs)));
    }
}
