package conclab.c10k;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120) // a hang fails the test instead of the build
class LabTest {
    /** Seconds: bounded waits against hangs, never a measure. */
    static final long LIMIT = 20;

    @AfterEach
    void nothingIsLeft() {
        assertEquals(List.of(), Lab.leftovers());
    }

    // The recording's settings.

    @Test
    void theProfilesRecordTheSamplesAndTheSamplesLost() throws Exception {
        var settings = jdk.jfr.Configuration.create(new java.io.StringReader(Lab.CPU_TIME_JFC)).getSettings();
        assertEquals("true", settings.get("jdk.CPUTimeSample#enabled"));
        assertEquals("1ms", settings.get("jdk.CPUTimeSample#throttle"));
        assertEquals("true", settings.get("jdk.CPUTimeSamplesLost#enabled")); // off by default: without it lost() is 0
    }

    // Where the jars are.

    @Test
    void besideTheKernelsJarIsItsC10kFolder(@TempDir Path repo) throws Exception {
        Path jar = Files.createDirectories(repo.resolve("kernel/target/dist")).resolve("conclab-lib.jar");
        Files.writeString(jar, "");
        assertEquals(repo.resolve("kernel/target/dist/c10k"), Lab.distFor(jar));
    }

    @Test
    void fromTheLibrarysClassFolderItIsTheModulesDist(@TempDir Path repo) throws Exception {
        Path classes = Files.createDirectories(repo.resolve("lib/target/classes"));
        assertEquals(repo.resolve("c10k/target/dist"), Lab.distFor(classes));
    }

    @Test
    void anInstalledKernelsLibraryFindsTheModuleOfTheRepositoryItWorksIn(@TempDir Path dir) throws Exception {
        Path jar = Files.createDirectories(dir.resolve("jupyter/kernels/conclab")).resolve("conclab-lib.jar");
        Files.writeString(jar, "");
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("lib/src/main/java/conclab/c10k"));
        Path notebooks = Files.createDirectories(repo.resolve("notebooks/12-coroutines-and-async-io"));
        assertEquals(List.of(dir.resolve("jupyter/kernels/conclab/c10k"), repo.resolve("c10k/target/dist")),
                Lab.candidates(jar, notebooks));
        assertEquals(List.of(dir.resolve("jupyter/kernels/conclab/c10k")), Lab.candidates(jar, dir), "no repository around");
        Path kernelJar = Files.createDirectories(repo.resolve("kernel/target/dist")).resolve("conclab-lib.jar");
        Files.writeString(kernelJar, "");
        assertEquals(List.of(repo.resolve("kernel/target/dist/c10k"), repo.resolve("c10k/target/dist")),
                Lab.candidates(kernelJar, dir), "the library's own repository first");
    }

    @Test
    void aDistHasTheJarAndItsLibFolder(@TempDir Path dir) throws Exception {
        assertFalse(Lab.isDist(dir));
        Files.writeString(dir.resolve(Lab.JAR), "");
        assertFalse(Lab.isDist(dir), "no lib/");
        Files.createDirectory(dir.resolve("lib"));
        assertTrue(Lab.isDist(dir));
        Lab lab = Lab.at(dir);
        assertEquals(dir.resolve(Lab.JAR) + ":" + dir.resolve("lib") + "/*", lab.classPath());
        List<String> command = lab.command(List.of("-Xmx1g"), Lab.DRIVER, List.of("--quick")).command();
        assertEquals(List.of("-Xmx1g", "-cp", lab.classPath(), Lab.DRIVER, "--quick"), command.subList(1, command.size()));
        assertTrue(command.getFirst().endsWith("/bin/java"));
        var e = assertThrows(IllegalArgumentException.class, () -> Lab.at(dir.resolve("nowhere")));
        assertTrue(e.getMessage().contains("has no " + Lab.JAR), e.getMessage());
    }

    @Test
    void inTheseTestsTheLibraryIsItsClassFolder() {
        Path lib = Lab.libraryLocation();
        assertTrue(lib.endsWith(Path.of("lib", "target", "classes")), lib.toString());
        Path dist = lib.getParent().getParent().resolveSibling("c10k").resolve("target/dist");
        assertEquals(dist, Lab.distFor(lib));
        assertEquals(List.of(dist), Lab.candidates(lib, lib), "the same place twice is tried once");
        if (!Lab.isDist(dist)) {
            var e = assertThrows(IllegalStateException.class, Lab::find);
            assertTrue(e.getMessage().contains("./mvnw -q -B package -DskipTests"), e.getMessage());
        } else {
            assertEquals(dist, Lab.find().dist());
        }
    }

    // The code, quoted from the sources.

    @Test
    void aMemberIsQuotedWithItsCommentUpToItsClosingBrace() {
        assertEquals("""
                // lib/src/main/java/conclab/c10k/Lab.java, lines %d to %d
                /** Whether {@code dir} holds the lab's jar and its {@code lib/} folder. */
                static boolean isDist(Path dir) {
                    return Files.isRegularFile(dir.resolve(JAR)) && Files.isDirectory(dir.resolve("lib"));
                }
                """.formatted(line("Lab", "/** Whether {@code dir} holds"), line("Lab", "/** Whether {@code dir} holds") + 3),
                Lab.code("Lab", "static boolean isDist("));
        String field = Lab.code("Lab", "public static final String JAR");
        assertTrue(field.endsWith("/** The lab's jar, in {@link #dist()}; its dependencies are in {@code lib/}. */\n"
                + "public static final String JAR = \"conclab-c10k.jar\";\n"), field);
    }

    @Test
    void bracesInStringsAndCommentsDoNotCount() {
        String quoted = Lab.code("Json", "private String string()");
        assertTrue(quoted.strip().endsWith("throw error(\"the '\\\"' that ends the string\");\n}"), quoted);
        var e = assertThrows(IllegalStateException.class, () -> Lab.code("Lab", "void nothingLikeThis("));
        assertTrue(e.getMessage().contains("no line of Lab.java starts with"), e.getMessage());
    }

    /** The 1-based number of the first line of a source of this package that starts with {@code start}, stripped. */
    private static int line(String simpleName, String start) {
        try {
            List<String> lines = Files.readAllLines(Lab.sources().resolve(simpleName + ".java"));
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().startsWith(start)) return i + 1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no line starts with " + start);
    }

    @Test
    void theListeningPortsOfThisJvm() throws Exception {
        int port;
        try (var listening = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            port = listening.getLocalPort();
            assertTrue(Lab.listeningPorts().contains(port), Lab.listeningPorts() + " lacks " + port);
            try (var client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port); var accepted = listening.accept()) {
                assertEquals(1, Lab.listeningPorts().stream().filter(p -> p == port).count(), "connections do not listen");
            }
        }
        assertFalse(Lab.listeningPorts().contains(port));
    }

    @Test
    void theCpuTimeOfAProcessGrowsAsItComputes() throws Exception {
        long pid = ProcessHandle.current().pid(), before = Lab.cpuTicks(pid), deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long spin = 0;
        while (Lab.cpuTicks(pid) < before + 5 && System.nanoTime() < deadline) for (int i = 0; i < 1_000_000; i++) spin += i ^ spin;
        assertTrue(Lab.cpuTicks(pid) >= before + 5, "5 ticks of CPU time within 60 s of computing (" + spin + ")");
        assertThrows(java.io.IOException.class, () -> Lab.cpuTicks(Long.MAX_VALUE), "no such process");
    }

    // A child's lifetime.

    @Test
    void linesComeInOrderAndTheExitCodeIsReturned() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        int exit = Lab.run(sh("echo one; echo two >&2; echo three; exit 3"), Duration.ofSeconds(LIMIT), lines::add);
        assertEquals(3, exit);
        assertEquals(List.of("one", "two", "three"), lines);
    }

    @Test
    void aChildStillRunningAtTheLimitIsStoppedWithWhatItStarted() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        // sh dies of SIGTERM and leaves its sleep behind: the lab must kill that too.
        var e = assertThrows(IllegalStateException.class,
                () -> Lab.run(sh("sleep 300 & echo $!; wait"), Duration.ofSeconds(5), lines::add));
        assertTrue(e.getMessage().contains("still running after 5 s"), e.getMessage());
        assertFalse(lines.isEmpty(), "the child printed its sleep's pid within 5 s");
        assertEnded(Long.parseLong(lines.getFirst()));
        assertTrue(lines.getLast().contains("with SIGTERM; killed 1 descendant(s) it left"), lines.getLast());
    }

    @Test
    void anInterruptStopsTheChildAndIsThrown() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        var started = new CountDownLatch(1);
        var thrown = new AtomicReference<Throwable>();
        // This sh ends its own child on SIGTERM, as the driver does.
        ProcessBuilder child = sh("trap 'kill $c; exit 143' TERM; sleep 300 & c=$!; echo $c; wait");
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                Lab.run(child, Duration.ofSeconds(LIMIT), line -> { lines.add(line); started.countDown(); });
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertTrue(started.await(LIMIT, TimeUnit.SECONDS));
        runner.interrupt();
        runner.join(TimeUnit.SECONDS.toMillis(LIMIT));
        assertFalse(runner.isAlive());
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEnded(Long.parseLong(lines.getFirst()));
        assertTrue(lines.getLast().contains("with SIGTERM; none of its 1 descendant(s) was left"), lines.getLast());
    }

    @Test
    void whatAChildLeavesWhenItEndsIsKilledAndSaid(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("go");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        List<String> lines = new CopyOnWriteArrayList<>();
        // sh starts a sleep (which keeps sh's output open), says its pid, waits for a word from us, and exits.
        int exit = Lab.run(sh("sleep 300 & echo $!; read word < " + fifo), Duration.ofSeconds(LIMIT), line -> {
            lines.add(line);
            if (lines.size() == 1) {
                try {
                    Files.writeString(fifo, "go\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertEquals(0, exit);
        assertEnded(Long.parseLong(lines.getFirst()));
        assertTrue(lines.getLast().contains("left 1 process(es) running: killed them"), lines.toString());
    }

    private static ProcessBuilder sh(String script) {
        return new ProcessBuilder("/bin/sh", "-c", script);
    }

    /** Asserts that process pid ends (or is a zombie: see Lab.ended) within LIMIT. */
    private static void assertEnded(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT);
        for (var h = ProcessHandle.of(pid); h.isPresent() && !ChildProcess.ended(h.get()); ) {
            if (System.nanoTime() > deadline) fail("process " + pid + " has not ended");
            try {
                h.get().onExit().get(20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // looked at again
            }
        }
    }
}
