package conclab.c10k.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver's command line, and a whole (tiny) matrix against the stand-ins, to its JSON file. */
class C10kBenchTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void sizesAreScaledDownToWhatTheDescriptorLimitAllows() {
        assertEquals(10_000, C10kBench.fit(10_000, 1_048_576L, 2));
        assertEquals(256 - 128 - 3 * 2, C10kBench.fit(1_000, 256L, 2), "a JVM run with -XX:-MaxFDLimit under a soft limit of 256");
        assertEquals(1_000 - 128 - 3 * 8, C10kBench.fit(10_000, 1_000L, 8), "the margin grows with the cores");
        assertEquals(1, C10kBench.fit(1_000, 100L, 2), "at least one connection");
        assertEquals(1_000, C10kBench.fit(1_000, null, 2), "no limit read: as asked");
    }

    @Test
    void theDefaultIsTheFullMatrixAndQuickIsAThousandConnections() {
        var full = C10kBench.options();
        assertEquals(Launch.SERVERS, full.servers());
        assertEquals(List.of(1000, 10000), full.sizes());
        assertTrue(full.ours() && full.wrk());
        assertEquals(5, full.seconds());
        assertTrue(full.json().toString().matches("bench/results/c10k-\\d{4}-\\d\\d-\\d\\d\\.json"), full.json().toString());
        var quick = C10kBench.options("--quick", "--servers", "loop,bare", "--clients", "ours", "--seconds", "3", "--json", "x.json");
        assertEquals(List.of(1000), quick.sizes());
        assertEquals(List.of("loop", "bare"), quick.servers());
        assertFalse(quick.wrk());
        assertEquals(Path.of("x.json"), quick.json());
    }

    @Test
    void badArgumentsSayWhatToDo() {
        assertMessage("unknown server 'epoll'; the servers are: threads,pool,loop,", "--servers", "loop,epoll");
        assertMessage("unknown client 'ab'; the clients are: ours,wrk", "--clients", "ab");
        assertMessage("--seconds takes a positive whole number, not '0'", "--seconds", "0");
        assertMessage("--sizes takes a positive whole number, not 'many'", "--sizes", "1000,many");
        assertMessage("--json needs a value", "--json");
        assertMessage("unknown option '--fast'", "--fast");
    }

    private static void assertMessage(String start, String... args) {
        var e = assertThrows(IllegalArgumentException.class, () -> C10kBench.options(args));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void badArgumentsExitWithCode2AndOneLine() {
        Child bench = Child.jvm(List.of(), TrialTest.CP, C10kBench.class.getName(), List.of("--servers", "nope"));
        assertEquals(List.of(), bench.output(Duration.ofSeconds(60)));
        assertEquals(2, bench.exitCode());
        assertTrue(bench.errors().startsWith("c10k: unknown server 'nope'") && !bench.errors().contains(" | "), bench.errors());
    }

    @Test
    void aMissingDistSaysHowToBuildIt(@TempDir Path empty) {
        Child bench = Child.jvm(List.of(), TrialTest.CP, C10kBench.class.getName(), List.of("--dist", empty.toString()));
        bench.output(Duration.ofSeconds(60));
        assertEquals(2, bench.exitCode());
        assertTrue(bench.errors().contains("conclab-c10k.jar is missing: build first"), bench.errors());
    }

    @Test
    void aSmallMatrixPrintsItsTablesAndTargetsAndWritesItsJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("results/c10k.json");
        var options = C10kBench.options("--servers", "loop", "--sizes", "100,200", "--clients", "ours", "--json", json.toString());
        var settings = new Trial.Settings(Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(60), true, false);
        var out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        List<Run> runs;
        try {
            runs = C10kBench.run(TrialTest.FAKES, options, settings);
        } finally {
            System.setOut(stdout);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, runs.size(), printed);
        assertTrue(printed.contains("[ 2/2] loop          at    200: ours "), printed);
        assertTrue(printed.contains("100 connections") && printed.contains("200 connections"), printed);
        assertEquals(1, printed.split("wrk's latencies are closed loop", -1).length - 1, printed); // once, under both
        assertTrue(printed.contains("n/a     loop ≥ 0.95× bare at 1,000 connections: not measured"), printed);
        assertTrue(printed.contains("memory per idle connection, loop ≤ 1 KB at 200 connections: "), printed);
        assertTrue(printed.contains("elapsed: 0 min"), printed);
        List<String> lines = Files.readAllLines(json);
        assertEquals(3 + 2 + 1, lines.size(), String.join("\n", lines)); // machine, bench, "runs":[, 2 runs, ]}
        Map<String, String> first = FlatJson.parse(lines.get(3));
        assertEquals("loop", first.get("server"));
        assertEquals("100", first.get("held"));
        Map<String, String> machine = FlatJson.parse(lines.get(0).substring("{\"machine\":".length()));
        assertEquals(Machine.read().ipLocalPortRange(), machine.get("ipLocalPortRange"));
        assertTrue(machine.get("ipLocalPortRange").matches("\\d+ \\d+"), machine.toString());
        assertEquals("1", FlatJson.parse(lines.get(1).substring("\"bench\":".length())).get("seconds"));
    }
}
