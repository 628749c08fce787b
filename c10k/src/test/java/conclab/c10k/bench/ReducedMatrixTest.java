package conclab.c10k.bench;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C10K lab's reduced matrix, as CI runs it (issue 11's "done means"): the real servers under our real load
 * generator, 1,000 connections, 3 s of load each, through the benchmark's own {@link Trial}. The
 * {@code EventLoop}, virtual threads and Netty hold every connection and answer every request with no error
 * and no timeout; server 1 (a thread per connection) shows its thread per connection, server 2 (a pool of 200
 * threads) its queue: exactly 200 connections answered, every other one timed out. No speed is asserted.
 *
 * <p>The child JVMs run this test's classpath (the reactor's class folders and the dependencies), so the test
 * needs no package step. About 10 s per server.
 */
class ReducedMatrixTest {
    static final int N = 1000;
    static final Launch REAL = Launch.fromClasspath(System.getProperty("java.class.path"));
    /**
     * 3 s of load, no warm-up (no memory or speed is asserted), generous bounds: a request unanswered for 5 s
     * times out (a cold server on a loaded machine answers its first thousand requests in about a second; the
     * generator waits for the last answers or timeouts after the load).
     */
    static final Trial.Settings SETTINGS = new Trial.Settings(Duration.ofSeconds(3), Duration.ZERO, Duration.ofSeconds(1),
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), true, false);

    @BeforeEach
    void theRealServersAndGeneratorAreHere() {
        List<String> absent = List.of(Launch.SERVE, Launch.NETTY, Launch.GENERATOR).stream()
                .filter(name -> !present(name)).toList();
        // TODO(lead): remove this skip when merging parts A and B.
        Assumptions.assumeTrue(absent.isEmpty(), "the reduced C10K matrix is skipped: " + absent
                + " not on the classpath yet (they land with the lib's servers and the c10k module's Netty server and generator)");
    }

    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"loop", "virtual", "netty-epoll-1"})
    void holdsEveryConnectionAndAnswersEveryRequest(String server) {
        String kind = server.equals("netty-epoll-1") && !epoll() ? "netty-nio-1" : server;
        Run r = run(kind);
        assertEquals(N, r.held(), r.toString());
        assertEquals(0, r.errors(), r.toString());
        assertEquals(0, r.timeouts(), r.toString());
        assertEquals(N, r.answeredConnections(), r.toString());
        assertTrue(r.completed() > 0, r.toString());
        // closed loop: at the end of the load each connection has at most one request in flight, none lost
        assertTrue(r.sent() - r.completed() <= N, r.toString());
    }

    @Test
    void aPoolOf200ThreadsAnswers200ConnectionsAndTheOthersTimeOut() {
        Run r = run("pool");
        assertEquals(N, r.held(), r.toString()); // the kernel and the acceptor take them all
        assertEquals(200, r.answeredConnections(), r.toString());
        assertEquals(N - 200, r.timeouts(), r.toString());
    }

    @Test
    void aThreadPerConnectionServerRunsAThreadPerConnection() {
        Run r = run("threads");
        assertEquals(N, r.held(), r.toString());
        assertTrue(r.threads() >= N, r.toString());
    }

    private static Run run(String kind) {
        List<Run> runs = Trial.run(REAL, SETTINGS, kind, N);
        assertEquals(1, runs.size(), runs.toString());
        return runs.getFirst();
    }

    /**
     * Whether Netty's epoll transport runs here: the module ships its native library for Linux on x86-64 only.
     * (Asking {@code Epoll.isAvailable()} would load that library into this JVM, with the JDK's warning.)
     */
    private static boolean epoll() {
        return System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, ReducedMatrixTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
