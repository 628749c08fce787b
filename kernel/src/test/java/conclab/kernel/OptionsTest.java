package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {
    @Test
    void defaults() {
        Options o = Options.from(Map.of());
        assertEquals(Args.split(Options.DEFAULT_JVM_OPTS), o.engineJvmOptions());
        assertTrue(o.compilerOptions().containsAll(List.of("--enable-preview", "--source", "25")), o.compilerOptions().toString());
        assertNull(o.timeout());
        assertEquals(Options.DEFAULT_OUTPUT_LIMIT, o.outputLimit());
        assertEquals(List.of(), o.problems());
        assertTrue(o.java().endsWith(Path.of("bin", "java")));
    }

    /**
     * The default heap, as the JVM computes it from the default options: a 2 GB container (simulated by
     * {@code -XX:MaxRAM}, which the JVM then takes as the memory) gives 30% of it; any machine, this one included,
     * gives at most 2 GiB.
     */
    @Test
    void theEnginesDefaultHeapFollowsTheMemoryUpTo2GiB() throws Exception {
        long twoGb = 2_000_000_000L;
        long inTwoGb = maxHeapSize(List.of("-XX:MaxRAM=" + twoGb));
        assertTrue(Math.abs(inTwoGb - twoGb * Options.ENGINE_HEAP_PERCENT / 100) < 16 << 20, inTwoGb + " bytes in 2 GB");
        assertTrue(maxHeapSize(List.of("-XX:MaxRAM=64g")) == 2L << 30, "64 GB of memory gives a 2 GiB heap");
        assertTrue(maxHeapSize(List.of()) <= 2L << 30, "this machine");
        assertEquals(512L << 20, maxHeapSize(List.of("-Xmx512m")), "an -Xmx wins");
    }

    /** The MaxHeapSize a JVM with the default engine options and {@code extra} would have. */
    private static long maxHeapSize(List<String> extra) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Options.from(Map.of()).java().toString()));
        command.addAll(Args.split(Options.DEFAULT_JVM_OPTS));
        command.addAll(extra);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        var m = java.util.regex.Pattern.compile("size_t MaxHeapSize\\s+= (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(90), Options.parseDuration("90"));
        assertEquals(Duration.ofSeconds(30), Options.parseDuration("30s"));
        assertEquals(Duration.ofSeconds(90), Options.parseDuration(" 1.5m "));
        assertEquals(Duration.ofHours(2), Options.parseDuration("2h"));
        assertEquals(Duration.ofMillis(500), Options.parseDuration("500ms"));
        assertNull(Options.parseDuration("soon"));
        assertNull(Options.parseDuration("0"));
        assertNull(Options.parseDuration("-5s"));
    }

    @Test
    void aSourceVersionIsAddedOnlyWhenPreviewNeedsOne() {
        assertEquals(List.of("--enable-preview", "--source", String.valueOf(Runtime.version().feature())),
                Options.withSource(List.of("--enable-preview")));
        assertEquals(List.of("--enable-preview", "--release", "25"), Options.withSource(List.of("--enable-preview", "--release", "25")));
        assertEquals(List.of("-Xlint"), Options.withSource(List.of("-Xlint")));
    }

    @Test
    void badValuesAreProblemsNotCrashes(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("a.jar"));
        Options o = Options.from(Map.of("CONCLAB_TIMEOUT", "soon", "CONCLAB_OUTPUT_LIMIT", "lots",
                "CONCLAB_CLASSPATH", dir + "/*.jar:" + dir + "/missing/*.jar"));
        assertNull(o.timeout());
        assertEquals(Options.DEFAULT_OUTPUT_LIMIT, o.outputLimit());
        assertEquals(List.of(dir.resolve("a.jar").toString()), o.classpath());
        assertEquals(3, o.problems().size(), o.problems().toString());
        assertTrue(o.problems().stream().anyMatch(p -> p.startsWith("CONCLAB_TIMEOUT") && p.contains("30s")));
        assertTrue(o.problems().stream().anyMatch(p -> p.contains("nothing matches") && p.contains("missing")));
    }

    @Test
    void optionsAreReadFromTheirVariables() {
        Options o = Options.from(Map.of("CONCLAB_JVM_OPTS", "-Xmx1g -Dx=\"a b\"", "CONCLAB_COMPILER_OPTS", "-Xlint:all",
                "CONCLAB_TIMEOUT", "5m", "CONCLAB_STARTUP", "int x = 1;", "CONCLAB_OUTPUT_LIMIT", "100"));
        assertEquals(List.of("-Xmx1g", "-Dx=a b"), o.engineJvmOptions());
        assertEquals(List.of("-Xlint:all"), o.compilerOptions());
        assertEquals(Duration.ofMinutes(5), o.timeout());
        assertEquals("int x = 1;", o.startup());
        assertEquals(100, o.outputLimit());
    }
}
