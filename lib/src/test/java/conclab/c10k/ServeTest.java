package conclab.c10k;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import conclab.process.Jvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Serve in a child JVM: its one line, its lifecycle (stdin, SIGTERM), and its one-line errors with status 2. */
class ServeTest {
    static final List<String> KINDS = C10kServer.KINDS;
    static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    /** The children started by a test; killed after it if still there. */
    final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        for (Process p : children) if (p.isAlive()) Jvm.kill(p);
    }

    Process serve(String... args) throws IOException {
        Process p = Jvm.command(Serve.class, args).start();
        children.add(p);
        return p;
    }

    /** The first line of {@code p}'s stdout, waiting up to the limit. */
    static String firstLine(Process p) throws Exception {
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return "(stdout failed: " + e + ")";
            }
        }).get(C10kServerTest.LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits for {@code p} to exit, up to the limit, and returns its status. */
    static int exit(Process p) throws InterruptedException {
        if (!p.waitFor(C10kServerTest.LIMIT.toSeconds(), TimeUnit.SECONDS)) fail("the child is still running");
        return p.exitValue();
    }

    static String text(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @FieldSource("KINDS")
    void printsItsLineServesAndExitsWithZeroWhenStdinEnds(String kind) throws Exception {
        Process p = serve(kind);
        Matcher m = LISTENING.matcher(firstLine(p));
        assertTrue(m.matches(), "the line was " + m);
        try (var c = new C10kServerTest.Client(Integer.parseInt(m.group(1)))) {
            c.send(C10kServerTest.REQUEST);
            c.expectResponses(1);
            p.getOutputStream().close();
            assertEquals(0, exit(p), text(p.getErrorStream()));
            assertTrue(c.closedByServer());
        }
        assertEquals("", text(p.getInputStream()), "stdout has one line only");
    }

    @Test
    void exitsWithZeroOnSigterm() throws Exception {
        Process p = serve("loops", "--loops", "3", "--port", "0");
        assertTrue(LISTENING.matcher(firstLine(p)).matches());
        p.destroy(); // SIGTERM; and closes the pipes to the child on this side
        assertEquals(0, exit(p));
    }

    @Test
    void takesThePoolsSizeAndThePort() throws Exception {
        int port;
        try (var free = Servers.listen(0)) {
            port = free.socket().getLocalPort();
        }
        Process p = serve("pool", "--threads", "2", "--port", String.valueOf(port));
        assertEquals("listening on 127.0.0.1:" + port, firstLine(p));
        p.getOutputStream().close();
        assertEquals(0, exit(p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fibers", "loop --bogus 1", "loop --port", "loop --port x", "loop --port 70000",
            "loop --threads 2", "pool --loops 2", "pool --threads 0", "loop bare"})
    void badArgumentsGetOneLineAndStatusTwo(String args) throws Exception {
        Process p = serve(args.isEmpty() ? new String[0] : args.split(" "));
        assertEquals(2, exit(p));
        String err = text(p.getErrorStream());
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("conclab.c10k.Serve: "), err);
        assertEquals("", text(p.getInputStream()));
    }

    @Test
    void aPortInUseGetsOneLineThatSaysWhatToDo() throws Exception {
        try (var taken = Servers.listen(0)) {
            Process p = serve("bare", "--port", String.valueOf(taken.socket().getLocalPort()));
            assertEquals(2, exit(p));
            String err = text(p.getErrorStream());
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("choose another --port"), err);
        }
    }

    @Test
    void unknownKindListsTheKinds() throws Exception {
        Process p = serve("fibers");
        assertEquals(2, exit(p));
        assertArrayEquals(new String[] {"conclab.c10k.Serve: unknown KIND fibers; choose one of threads, pool, loop,"
                + " loops, bare, virtual"}, text(p.getErrorStream()).lines().toArray());
    }
}
