package conclab.c10k.load;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.c10k.load.LoadGenerator.Options;
import conclab.c10k.load.LoadGenerator.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The load generator against tiny in-test servers whose behaviour is known: every count it reports is checked
 * exactly. Runs are in-process ({@link LoadGenerator#run}), bounded by a generous limit, except the one that checks
 * the command line and its two JSON lines in a child JVM.
 */
class LoadGeneratorTest {
    /** A bound on any one run: it only catches a hang; the runs take a few seconds. */
    private static final Duration HANG = Duration.ofSeconds(120);

    private final AtomicReference<LoadGenerator.Held> heldSeen = new AtomicReference<>();

    private Result run(String... flags) {
        return assertTimeoutPreemptively(HANG, () -> LoadGenerator.run(Options.parse(flags), heldSeen::set));
    }

    /** The port, a ramp of 0.2 s (a later --ramp-seconds wins), then {@code more}. */
    private static String[] flags(int port, String... more) {
        var all = new java.util.ArrayList<>(List.of("--port", Integer.toString(port), "--ramp-seconds", "0.2"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void closedLoopHoldsEveryConnectionAndAnswersEveryRequest() throws Exception {
        try (var server = new TestServer(TestServer.answering())) {
            Result r = run(flags(server.port(), "--connections", "200", "--seconds", "1", "--timeout-ms", "20000"));
            assertEquals(new LoadGenerator.Held(200, 200, 0, r.held().ms()), r.held());
            assertEquals(r.held(), heldSeen.get(), "onHeld got the same report");
            assertEquals(0, r.errors());
            assertEquals(0, r.timeouts());
            assertTrue(r.sent() >= 200, "each connection sent at least once: " + r);
            assertEquals(r.sent(), r.completed());
            assertEquals(200, r.answeredConnections());
            assertTrue(r.p50us() <= r.p99us() && r.p99us() <= r.p999us() && r.p999us() <= r.maxus(), r.toString());
            assertTrue(r.cpuUs() > 0, "the load's CPU time, set by run: " + r);
        }
    }

    @Test
    void rateModeSendsExactlyTheSchedule() throws Exception {
        try (var server = new TestServer(TestServer.answering())) {
            Result r = run(flags(server.port(), "--connections", "20", "--rate", "2000", "--seconds", "1",
                    "--timeout-ms", "20000"));
            assertEquals(2000, r.sent(), "requests 0 to 1999 are due before the end: " + r);
            assertEquals(2000, r.completed());
            assertEquals(0, r.errors() + r.timeouts());
            assertEquals(20, r.answeredConnections());
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndTheRunEnds() throws Exception {
        try (var server = new TestServer((number, in, out) -> TestServer.drain(in))) {
            Result r = run(flags(server.port(), "--connections", "50", "--seconds", "1", "--timeout-ms", "500"));
            assertEquals(50, r.held().held());
            assertEquals(50, r.sent(), "closed loop: one request each, never answered");
            assertEquals(50, r.timeouts());
            assertEquals(0, r.completed());
            assertEquals(0, r.answeredConnections());
            assertEquals(0, r.errors());
            assertEquals(0, r.maxus(), "no latency recorded");
        }
    }

    @Test
    void aConnectionPastTheTimeoutStopsSendingAtRate() throws Exception {
        try (var server = new TestServer((number, in, out) -> TestServer.drain(in))) {
            Result r = run(flags(server.port(), "--connections", "10", "--rate", "200", "--seconds", "1",
                    "--timeout-ms", "300"));
            assertTrue(r.sent() > 0 && r.sent() < 200, "the connections stopped before the schedule's end: " + r);
            assertEquals(r.sent(), r.timeouts(), "every unanswered request counts");
            assertEquals(0, r.completed() + r.answeredConnections() + r.errors());
        }
    }

    @Test
    void aPoolThatServesThreeConnectionsShowsThreeAnswered() throws Exception {
        TestServer.Handler firstThree = (number, in, out) -> {
            if (number < 3) {
                TestServer.answer(in, out, Connection.RESPONSE, () -> {});
            } else {
                TestServer.drain(in);
            }
        };
        try (var server = new TestServer(firstThree)) {
            Result r = run(flags(server.port(), "--connections", "20", "--seconds", "1", "--timeout-ms", "3000"));
            assertEquals(20, r.held().held());
            assertEquals(3, r.answeredConnections());
            assertEquals(17, r.timeouts(), "one unanswered request on each of the 17 others");
            assertEquals(r.sent() - 17, r.completed());
            assertEquals(0, r.errors());
        }
    }

    /**
     * Coordinated omission: the server holds every answer for a second, then answers everything. Timed from the
     * intended send times, the requests of that second waited up to a second: more than 1% of them waited 0.9 s.
     * A generator that timed from its real sends, one request outstanding per connection, would see 10 slow
     * requests out of 2,000, under 1%, and a small p99.
     */
    @Test
    void rateModeTimesEachRequestFromItsIntendedSendTime() throws Exception {
        var firstRequest = new CountDownLatch(1);
        var gate = new CountDownLatch(1);
        var holdNanos = new AtomicReference<Long>();
        Thread opener = Thread.ofVirtual().start(() -> {
            try {
                firstRequest.await();
                long start = System.nanoTime();
                Thread.sleep(1000);   // the hold, measured below: not a synchronisation
                holdNanos.set(System.nanoTime() - start);
                gate.countDown();
            } catch (InterruptedException e) {
                gate.countDown();
            }
        });
        TestServer.BeforeAnswer held = () -> {
            firstRequest.countDown();
            gate.await();
        };
        try (var server = new TestServer(TestServer.answering(Connection.RESPONSE, held))) {
            Result r = run(flags(server.port(), "--connections", "10", "--rate", "1000", "--seconds", "2",
                    "--timeout-ms", "20000"));
            opener.join();
            long holdMicros = holdNanos.get() / 1000;
            assertTrue(holdMicros >= 1_000_000);
            assertEquals(2000, r.sent());
            assertEquals(2000, r.completed());
            assertTrue(r.maxus() >= holdMicros, "request 0 waited the whole hold: " + r);
            assertTrue(r.p99us() >= 900_000, "p99 counts the wait from the intended time: " + r);
        } finally {
            gate.countDown();
            opener.join();
        }
    }

    @Test
    void bytesOtherThanTheResponseAreErrors() throws Exception {
        byte[] wrong = Connection.RESPONSE.clone();
        wrong[wrong.length - 2] = 'D';   // Hello, worlD!
        try (var server = new TestServer(TestServer.answering(wrong, () -> {}))) {
            Result r = run(flags(server.port(), "--connections", "10", "--seconds", "1", "--timeout-ms", "20000"));
            assertEquals(10, r.errors());
            assertEquals(0, r.completed() + r.answeredConnections() + r.timeouts());
        }
    }

    @Test
    void aServerThatClosesOnTheFirstRequestCausesOneErrorPerConnection() throws Exception {
        try (var server = new TestServer((number, in, out) -> in.read())) {
            Result r = run(flags(server.port(), "--connections", "10", "--seconds", "1", "--timeout-ms", "20000"));
            assertEquals(10, r.held().held());
            assertEquals(10, r.errors());
            assertEquals(0, r.completed() + r.timeouts());
        }
    }

    /**
     * Connections 0 to 4 are closed by the server as soon as it accepts them, the first ~1.8 s before the ramp ends:
     * those it has closed by then are not held (connect errors); any other one fails in the load (an error).
     */
    @Test
    void connectionsClosedBeforeTheLoadAreNotHeld() throws Exception {
        TestServer.Handler closeFirstFive = (number, in, out) -> {
            if (number >= 5) TestServer.answer(in, out, Connection.RESPONSE, () -> {});
        };
        try (var server = new TestServer(closeFirstFive)) {
            Result r = run(flags(server.port(), "--connections", "10", "--seconds", "1", "--ramp-seconds", "2",
                    "--timeout-ms", "20000"));
            long closedEarly = r.held().connectErrors();
            assertTrue(closedEarly >= 1, "connection 0 was closed long before the ramp ended: " + r);
            assertEquals(10 - closedEarly, r.held().held());
            assertEquals(5, closedEarly + r.errors(), "each of the five closed ones counts once");
            assertEquals(5, r.answeredConnections());
            assertEquals(0, r.timeouts());
        }
    }

    @Test
    void connectsToANonListeningPortAreConnectErrors() throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Result r = run(flags(port, "--connections", "10", "--seconds", "1"));
        assertEquals(new LoadGenerator.Held(10, 0, 10, r.held().ms()), r.held());
        assertEquals(0, r.sent() + r.completed() + r.errors() + r.timeouts() + r.answeredConnections());
    }

    @Test
    void optionsHaveTheBriefsDefaults() {
        assertEquals(new Options(8080, 10_000, 0, 5, 2, 2000, 2), Options.parse("--port", "8080", "--connections", "10000"));
        assertEquals(1, Options.parse("--port", "1", "--connections", "10").threads(), "few connections: 1 thread");
        assertEquals(new Options(9, 5, 250.5, 0.5, 0, 100, 3), Options.parse("--connections", "5", "--port", "9",
                "--rate", "250.5", "--seconds", "0.5", "--ramp-seconds", "0", "--timeout-ms", "100", "--threads", "3"));
    }

    @Test
    void badFlagsAreOneLineThatSaysWhatToDo() {
        List<String[]> bad = List.of(
                new String[] {"--connections", "10"},
                new String[] {"--port", "80"},
                new String[] {"--port", "80", "--connections", "0"},
                new String[] {"--port", "80", "--connections", "ten"},
                new String[] {"--port", "80", "--connections", "10", "--rate"},
                new String[] {"--port", "80", "--connections", "10", "--rate", "-1"},
                new String[] {"--port", "80", "--connections", "10", "--seconds", "0"},
                new String[] {"--port", "80", "--connections", "10", "--wat", "1"},
                new String[] {"--port", "70000", "--connections", "10"});
        for (String[] args : bad) {
            var e = assertThrows(IllegalArgumentException.class, () -> Options.parse(args), String.join(" ", args));
            assertTrue(e.getMessage().contains("usage: LoadGenerator") && !e.getMessage().contains("\n"),
                    e.getMessage());
        }
    }

    @Test
    void theJsonLinesAreValidJsonWithTheContractsKeysInOrder() {
        var held = new LoadGenerator.Held(10_000, 9_998, 2, 2003);
        assertEquals(Map.of("event", "held", "connections", 10000.0, "held", 9998.0, "connectErrors", 2.0,
                "ms", 2003.0), StrictJson.parse(held.toJson()));
        assertEquals(List.of("event", "connections", "held", "connectErrors", "ms"),
                List.copyOf(StrictJson.parse(held.toJson()).keySet()));

        var result = new Result(held, 1, 2, 300, 297, 9_990, 0.5, 123456.7, 150, 2500, 9000, 1_000_000, 420_000);
        Map<String, Object> json = StrictJson.parse(result.toJson());
        assertEquals(List.of("event", "connections", "held", "errors", "timeouts", "sent", "completed",
                "answeredConnections", "seconds", "rps", "p50us", "p99us", "p999us", "maxus", "cpuUs"), List.copyOf(json.keySet()));
        assertEquals(420_000.0, json.get("cpuUs"));
        assertEquals("result", json.get("event"));
        assertEquals(0.5, json.get("seconds"));
        assertEquals(123456.7, json.get("rps"));
        assertEquals(1_000_000.0, json.get("maxus"));
        assertTrue(result.toJson().contains("\"seconds\":0.5,\"rps\":123456.7,"), result.toJson());
        assertTrue(new Result(held, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0).toJson().contains("\"seconds\":5,\"rps\":0,"));
    }

    /** The real command line: two JSON lines on stdout, the second after a line on stdin, then exit 0. */
    @Test
    void theMainPrintsTheHeldLineWaitsForStdinThenPrintsTheResultLine() throws Exception {
        try (var server = new TestServer(TestServer.answering())) {
            Process child = childJvm(LoadGenerator.class.getName(), "--port", Integer.toString(server.port()),
                    "--connections", "10", "--seconds", "0.5", "--ramp-seconds", "0.1", "--timeout-ms", "20000");
            try {
                assertTimeoutPreemptively(HANG, () -> {
                    var out = new BufferedReader(new InputStreamReader(child.getInputStream(), US_ASCII));
                    Map<String, Object> held = StrictJson.parse(out.readLine());
                    assertEquals(Map.of("event", "held", "connections", 10.0, "held", 10.0, "connectErrors", 0.0,
                            "ms", held.get("ms")), held);
                    try (OutputStream in = child.getOutputStream()) {
                        in.write("go\n".getBytes(US_ASCII));
                    }
                    Map<String, Object> result = StrictJson.parse(out.readLine());
                    assertEquals("result", result.get("event"));
                    assertEquals(10.0, result.get("answeredConnections"));
                    assertEquals(0.0, result.get("errors"));
                    assertEquals(result.get("sent"), result.get("completed"));
                    assertNull(out.readLine(), "nothing but the two lines");
                    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                    assertEquals(0, child.exitValue());
                });
            } finally {
                child.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theMainRejectsABadFlagWithOneLineAndExitCode2() throws Exception {
        Process child = childJvm(LoadGenerator.class.getName(), "--port", "80", "--connections", "many");
        try {
            assertTimeoutPreemptively(HANG, () -> {
                child.getOutputStream().close();
                String out = new String(child.getInputStream().readAllBytes(), US_ASCII);
                List<String> err = new String(child.getErrorStream().readAllBytes(), US_ASCII).lines().toList();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                assertEquals(2, child.exitValue());
                assertEquals("", out);
                assertEquals(1, err.size(), err.toString());
                assertTrue(err.getFirst().startsWith("LoadGenerator: --connections wants a whole number"), err.toString());
            });
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /** A child JVM running {@code main} on this test's classpath; its stderr is inherited unless read. */
    static Process childJvm(String main, String... args) throws IOException {
        var command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).start();
    }
}
