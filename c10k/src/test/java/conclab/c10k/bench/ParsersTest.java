package conclab.c10k.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver's readers of other programs' output: the generator's JSON lines, wrk's summary, jcmd and /proc. */
class ParsersTest {
    @Test
    void theGeneratorsLinesAreReadAsFlatObjects() {
        var held = FlatJson.parse("{\"event\":\"held\",\"connections\":10000,\"held\":9998,\"connectErrors\":2,\"ms\":2113}");
        assertEquals(Map.of("event", "held", "connections", "10000", "held", "9998", "connectErrors", "2", "ms", "2113"), held);
        var result = FlatJson.parse("{\"event\": \"result\", \"rps\": 61234.5, \"p50us\": 1.2E3, \"note\": null}");
        assertEquals("61234.5", result.get("rps"));
        assertEquals("1.2E3", result.get("p50us"));
        assertTrue(result.containsKey("note") && result.get("note") == null);
        assertEquals(Map.of(), FlatJson.parse("listening on 127.0.0.1:4000"));
        assertEquals(Map.of(), FlatJson.parse(null));
    }

    @Test
    void writtenObjectsReadBack() {
        Map<String, Object> pairs = new LinkedHashMap<>();
        pairs.put("server", "netty-epoll-1");
        pairs.put("note", "said \"no\" \\ then\nstopped");
        pairs.put("rps", 61234.567);
        pairs.put("whole", 3.0);
        pairs.put("nan", Double.NaN);
        pairs.put("held", 10000);
        pairs.put("absent", null);
        String json = FlatJson.write(pairs);
        assertEquals("{\"server\":\"netty-epoll-1\",\"note\":\"said \\\"no\\\" \\\\ then\\nstopped\",\"rps\":61234.57,"
                + "\"whole\":3,\"nan\":null,\"held\":10000,\"absent\":null}", json);
        Map<String, String> back = FlatJson.parse(json);
        assertEquals("said \"no\" \\ then\nstopped", back.get("note"));
        assertEquals("61234.57", back.get("rps"));
        assertTrue(back.containsKey("nan") && back.get("nan") == null);
        assertTrue(back.containsKey("absent") && back.get("absent") == null);
        assertEquals("a\u00e9\tb", FlatJson.parse("{\"s\":\"a\\u00e9\\tb\"}").get("s"));
    }

    /** Captured from wrk 4.1.0 (Debian) against FakeServe. */
    static final String WRK = """
            Running 2s test @ http://127.0.0.1:44687/
              2 threads and 100 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     8.44ms   21.59ms 307.13ms   92.02%
                Req/Sec    16.85k     7.84k   31.11k    74.36%
              Latency Distribution
                 50%    2.09ms
                 75%    4.24ms
                 90%   18.24ms
                 99%  108.67ms
              66376 requests in 2.10s, 4.94MB read
            Requests/sec:  31596.74
            Transfer/sec:      2.35MB""";

    @Test
    void wrksSummaryIsRead() {
        Wrk.Result r = Wrk.parse(WRK.lines().toList());
        assertEquals(new Wrk.Result(66376, 31596.74, 2090L, 108670L, 0, 0, 0, 0, 0), r);
        assertEquals(0, r.errors());
    }

    @Test
    void wrksErrorsAndLongLatenciesAreRead() {
        String failing = WRK.replace("    99%  108.67ms", "    99%    1.50s")
                .replace("Requests/sec:", "  Socket errors: connect 3, read 12, write 1, timeout 800\n"
                        + "  Non-2xx or 3xx responses: 5\nRequests/sec:");
        Wrk.Result r = Wrk.parse(failing.lines().toList());
        assertEquals(1_500_000L, r.p99us());
        assertEquals(800, r.timeouts());
        assertEquals(3 + 12 + 1 + 5, r.errors());
        assertEquals(635_910, Wrk.micros("635.91", "ms"));
        assertEquals(120_000_000, Wrk.micros("2.00", "m"));
        assertEquals(636, Wrk.micros("635.91", "us"));
    }

    @Test
    void aWrkThatPrintedNoSummaryReadsAsNone() {
        assertNull(Wrk.parse(List.of("unable to connect to 127.0.0.1:1 Connection refused")));
        assertNull(Wrk.parse(List.of()));
    }

    @Test
    void jcmdsHeapAndNativeMemoryAreRead() {
        String heapInfo = """
                1674:
                 garbage-first heap   total reserved 1048576K, committed 131072K, used 2880K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 0 young (0K), 0 survivors (0K)
                 Metaspace       used 9377K, committed 9600K, reserved 1114112K
                """;
        assertEquals(2880L * 1024, Probe.heapUsed(heapInfo));
        String nmt = """
                1674:

                Native Memory Tracking:

                Total: reserved=2510825KB, committed=209721KB
                       malloc: 11173KB #48341, peak=23749KB #48604
                       mmap:   reserved=2499652KB, committed=198548KB

                -                 Java Heap (reserved=1048576KB, committed=131072KB)
                                            (mmap: reserved=1048576KB, committed=131072KB, peak=133120KB)

                -               Arena Chunk (reserved=6112KB, committed=6112KB)
                                            (malloc=6112KB tag=Arena Chunk #38) (peak=11284KB #55)
                """;
        assertEquals((209721L - 131072 - 6112) * 1024, Probe.nativeOutsideHeap(nmt));
        assertEquals((209721L - 131072) * 1024, Probe.nativeOutsideHeap(nmt.substring(0, nmt.indexOf("\n\n-               Arena"))));
        assertNull(Probe.nativeOutsideHeap("1674:\nNative memory tracking is not enabled"));
        assertNull(Probe.heapUsed(null));
    }

    @Test
    void procStatsCpuTimesAreCountedAfterTheCommand() {
        // the command may hold spaces and parentheses: fields are counted after the last ')'
        String stat = "1674 (java (a) b) S 1671 1668 30114 0 -1 4194304 16596 0 4 0 138 28 0 0 20 0 20 0 5103240";
        assertEquals(138 + 28, Probe.cpuTicks(stat));
    }

    @Test
    void aLiveJvmIsMeasured() {
        long me = ProcessHandle.current().pid();
        assertTrue(Probe.threads(me) > 1);
        assertTrue(Probe.cpuMicros(me) > 0);
        assertTrue(Probe.descriptors(me) > 2);
        assertNull(Probe.threads(Long.MAX_VALUE));
        assertNull(Probe.cpuMicros(Long.MAX_VALUE));
    }

    @Test
    void psTimeIsReadAsMacOSPrintsItInMicroseconds() {
        assertEquals(1_230_000L, Probe.psTime(List.of("   0:01.23")));
        assertEquals((12 * 60 + 34) * 1_000_000L + 560_000, Probe.psTime(List.of("12:34.56")));
        assertEquals(((1 * 60 + 2) * 60 + 3) * 1_000_000L, Probe.psTime(List.of("01:02:03")), "procps: hh:mm:ss");
        assertEquals((((2 * 24 + 1) * 60 + 2) * 60 + 3) * 1_000_000L, Probe.psTime(List.of("2-01:02:03")));
        assertNull(Probe.psTime(List.of()), "the process is gone: ps printed nothing");
        assertNull(Probe.psTime(null), "ps failed");
    }

    @Test
    void psThreadsAreTheLinesOfPsMLessTheHeader() {
        List<String> out = List.of(
                "USER   PID   TT  %CPU STAT PRI     STIME     UTIME COMMAND",
                "me    4242 s000   0.0 S    31T   0:00.02   0:00.05 java -cp x Serve",
                "      4242         0.0 S    31T   0:00.00   0:00.00",
                "      4242         0.0 S    31T   0:00.01   0:00.00");
        assertEquals(3, Probe.psThreads(out));
        assertNull(Probe.psThreads(List.of("USER   PID   TT  %CPU STAT PRI     STIME     UTIME COMMAND")), "no thread: gone");
        assertNull(Probe.psThreads(null), "ps failed");
    }

    @Test
    void unknownMachineFiguresPrintAsAQuestionMark() {
        assertEquals("?", Machine.known(null));
        assertEquals("4096", Machine.known(4096L));
        assertNull(Machine.join("49152", null));
        assertEquals("49152 65535", Machine.join("49152", "65535"));
    }
}
