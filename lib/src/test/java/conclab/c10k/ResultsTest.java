package conclab.c10k;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {
    static final String JSON = """
            {"machine": {"cores": 2, "kernel": "6.18"}, "bench": {"seconds": 5},
             "runs": [
              {"server": "loop", "size": 1000, "client": "ours", "rps": 100000.5, "p99us": 2000},
              {"server": "loop", "size": 10000, "client": "ours", "rps": 80000, "p99us": null},
              {"server": "pool", "size": 1000, "client": "ours", "rps": 40000, "answeredConnections": 200},
              {"server": "loop", "size": 1000, "client": "wrk", "rps": 90000}
             ]}
            """;

    @Test
    void picksRowsAndValues(@TempDir Path dir) throws Exception {
        Results r = Results.read(Files.writeString(dir.resolve("r.json"), JSON));
        assertEquals(2L, r.machine().get("cores"));
        assertEquals(5L, r.bench().get("seconds"));
        assertEquals(4, r.runs().size());
        assertEquals(List.of("loop", "pool"), r.servers("ours"));
        assertEquals(List.of(1000L, 10000L), r.sizes("ours"));
        assertEquals(100000.5, r.value("loop", 1000, "ours", "rps"));
        assertEquals(90000, r.value("loop", 1000, "wrk", "rps"));
        assertEquals(200, r.value("pool", 1000, "ours", "answeredConnections"));
        assertTrue(Double.isNaN(r.value("loop", 10000, "ours", "p99us")), "null");
        assertTrue(Double.isNaN(r.value("pool", 10000, "ours", "rps")), "not measured");
        assertTrue(Double.isNaN(r.value("loop", 1000, "ours", "nothing")), "no such key");
    }

    @Test
    void aChartHasALinePerServerWithoutTheMissingPoints() {
        String text = Results.parse(JSON).chart("ours", "p99us", 1e-3, "p99", "ms").toString();
        assertEquals("p99 (connections → ms)\n  loop: 1000=2", text);
        assertEquals("rps (connections → req/s)\n  loop: 1000=100001 10000=80000\n  pool: 1000=40000",
                Results.parse(JSON).chart("ours", "rps", 1, "rps", "req/s").toString());
    }

    @Test
    void aChartOfAnyFigureOfTheRows() {
        assertEquals("per answered (connections → req/s)\n  pool: 1000=200",
                Results.parse(JSON).chart("ours", r -> Results.number(r, "rps") / Results.number(r, "answeredConnections"),
                        "per answered", "req/s").toString());
    }

    @Test
    void rowsWithStarvedConnectionsOrAnImpossibleLatencyAreNotComparable() {
        Results r = Results.parse("""
                {"machine": {"cores": 2, "loadAverage": 3.5}, "runs": [
                 {"server": "pool", "size": 1000, "client": "ours", "rps": 40000, "answeredConnections": 200},
                 {"server": "pool", "size": 1000, "client": "wrk", "rps": 40000, "p99us": 5000},
                 {"server": "loop", "size": 1000, "client": "ours", "rps": 80000, "answeredConnections": 1000},
                 {"server": "loop", "size": 1000, "client": "wrk", "rps": 80000, "p99us": 20000},
                 {"server": "threads", "size": 1000, "client": "ours", "rps": 30000, "answeredConnections": 1000},
                 {"server": "threads", "size": 1000, "client": "wrk", "rps": 5000, "p99us": 15000}
                ]}
                """);
        assertEquals("200 of 1,000 connections answered by our generator: the others starved", r.notComparable("pool", 1000, "wrk"));
        assertEquals(r.notComparable("pool", 1000, "wrk"), r.notComparable("pool", 1000, "ours"));
        assertNull(r.notComparable("loop", 1000, "wrk"), "1,600 requests in flight for 1,000 connections");
        assertNull(r.notComparable("loop", 1000, "ours"));
        assertTrue(r.notComparable("threads", 1000, "wrk").startsWith("5,000 req/s means 0.2 s per request"), "75 in flight for 1,000");
        assertNull(r.notComparable("threads", 1000, "ours"));
        assertEquals("not measured", r.notComparable("loop", 10000, "ours"));
    }

    @Test
    void otherWorkOfATenthOfTheCoresOrMoreCompetedWithTheLoad() {
        Results r = Results.parse("""
                {"machine": {"cores": 2, "cpusMeasured": 2}, "runs": [
                 {"server": "loop", "size": 1000, "client": "ours", "otherCpu": 0.19},
                 {"server": "virtual", "size": 1000, "client": "ours", "otherCpu": 0.2},
                 {"server": "loop", "size": 1000, "client": "wrk", "otherCpu": null}
                ]}
                """);
        assertEquals(false, r.competed("loop", 1000, "ours"));
        assertEquals(true, r.competed("virtual", 1000, "ours"));
        assertNull(r.competed("loop", 1000, "wrk"), "not measured");
        assertNull(r.competed("pool", 1000, "ours"), "no such row");
        assertNull(Results.parse("""
                {"machine": {"cores": 2}, "runs": [{"server": "loop", "size": 1000, "client": "ours", "otherCpu": 0.01}]}
                """).competed("loop", 1000, "ours"), "no processors measured recorded");
    }

    @Test
    void twoRunsShownTogether() {
        Results a = Results.parse(JSON), b = Results.parse("{\"machine\": {\"cores\": 4}, \"runs\": [{\"server\": \"bare\", \"size\": 1000, \"client\": \"ours\"}]}");
        Results both = a.and(b);
        assertEquals(List.of("loop", "pool", "bare"), both.servers("ours"));
        assertEquals(2L, both.machine().get("cores"));
        assertEquals(4, a.runs().size(), "unchanged");
    }

    @Test
    void aTableLinesUpItsColumns() {
        assertEquals("""
                server    size      rps  answeredConnections
                loop     1,000  100,001                    -
                loop    10,000   80,000                    -
                pool     1,000   40,000                  200
                """, Results.parse(JSON).table("ours", "rps", "answeredConnections"));
        assertEquals("0.0500", Results.format(0.05));
        assertEquals("1.50", Results.format(1.5));
    }

    @Test
    void aFileWithoutMachineOrRunsIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Results.parse("{\"runs\": []}"));
        assertTrue(e.getMessage().contains("machine"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Results.parse("{\"machine\": {}, \"runs\": [1]}"));
        assertTrue(e.getMessage().contains("not an object"), e.getMessage());
    }
}
