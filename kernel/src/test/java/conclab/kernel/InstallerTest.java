package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallerTest {
    @Test
    void theJvmsUseAStartUpCacheOnlyWhenTheFolderHasOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertFalse(Installer.kernelJson(dir, Map.of()).contains("AOTCache"));
        assertEquals(java.util.List.of(), AotCache.use(new Layout(dir), Layout.ENGINE_AOT));
        java.nio.file.Files.writeString(dir.resolve(Layout.KERNEL_AOT), "x");
        java.nio.file.Files.writeString(dir.resolve(Layout.ENGINE_AOT), "x");
        var argv = JsonParser.parseString(Installer.kernelJson(dir, Map.of())).getAsJsonObject().getAsJsonArray("argv");
        var options = new java.util.ArrayList<String>();
        argv.forEach(a -> options.add(a.getAsString()));
        assertTrue(options.indexOf("-XX:AOTCache=" + dir.resolve(Layout.KERNEL_AOT)) < options.indexOf("-jar"), options.toString());
        assertTrue(options.contains("-Xlog:aot*=off,cds*=off"), "a cache the JVM cannot use is passed over quietly");
        assertEquals("-XX:AOTCache=" + dir.resolve(Layout.ENGINE_AOT), AotCache.use(new Layout(dir), Layout.ENGINE_AOT).getFirst());
    }

    /**
     * Install has the agent weave every JDK class it changes into the kernel's folder; a JVM started after that with
     * the agent as the kernel gives it weaves none of the classes its start weaves (Thread and VirtualThread, which
     * the JVM rebuilds from the loaded classes, ThreadPoolExecutor, the hooks) again: their files stay the ones
     * install wrote.
     */
    @Test
    void installWeavesTheJdkClassesOnceForEveryEngineStart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path engineJar = Path.of(System.getProperty("conclab.engine.classpath").split(java.io.File.pathSeparator)[0]);
        java.nio.file.Files.copy(engineJar, dir.resolve(Layout.ENGINE_JAR));
        assertNull(AotCache.weave(dir));
        Path woven = dir.resolve(Layout.WOVEN_FOLDER);
        Map<Path, Object> files = new java.util.HashMap<>();
        try (var list = java.nio.file.Files.list(woven)) {
            for (Path f : list.toList()) {
                files.put(f.getFileName(), java.nio.file.Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
            }
        }
        assertEquals(java.util.Set.of("java.lang.Thread.woven", "java.lang.VirtualThread.woven", "java.util.Timer.woven",
                "java.util.TimerThread.woven", "java.util.concurrent.ThreadPoolExecutor.woven",
                "java.util.concurrent.ScheduledThreadPoolExecutor.woven", "java.util.concurrent.ForkJoinPool.woven",
                "java.util.concurrent.ForkJoinTask.woven", "conclab.kernel.hooks.Hooks.woven"),
                files.keySet().stream().map(Path::toString).collect(java.util.stream.Collectors.toSet()));
        // the start of an engine JVM, with the agent as the kernel gives it
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                EngineProcess.agent(dir.resolve(Layout.ENGINE_JAR), false), "-cp", dir.resolve(Layout.ENGINE_JAR).toString(),
                "conclab.kernel.engine.Agent").inheritIO().start();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        for (var e : files.entrySet()) {
            assertEquals(e.getValue(), java.nio.file.Files.readAttributes(woven.resolve(e.getKey()),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey(), e.getKey() + " was woven again");
        }
    }

    @Test
    void aStampChangesWithAnyJarAndOnlyThen(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("lib"));
        java.nio.file.Files.write(dir.resolve("lib/a.jar"), new byte[] {1, 2});
        java.nio.file.Files.writeString(dir.resolve("kernel.json"), "{}");
        String first = AotCache.stamp(dir, Installer.KERNEL_JVM_OPTIONS, Map.of());
        assertEquals(first, AotCache.stamp(dir, Installer.KERNEL_JVM_OPTIONS, Map.of()));
        java.nio.file.Files.writeString(dir.resolve("kernel.json"), "{\"other\": 1}");  // not a jar
        assertEquals(first, AotCache.stamp(dir, Installer.KERNEL_JVM_OPTIONS, Map.of()));
        assertNotEquals(first, AotCache.stamp(dir, Installer.KERNEL_JVM_OPTIONS, Map.of("CONCLAB_JVM_OPTS", "-Xmx1g")));
        java.nio.file.Files.write(dir.resolve("lib/a.jar"), new byte[] {1, 3});
        assertNotEquals(first, AotCache.stamp(dir, Installer.KERNEL_JVM_OPTIONS, Map.of()));
    }

    @Test
    void kernelJsonRunsThisJavaWithMessageInterrupts() {
        var spec = JsonParser.parseString(Installer.kernelJson(Path.of("/k/conclab"), Map.of("CONCLAB_TIMEOUT", "60"))).getAsJsonObject();
        var argv = spec.getAsJsonArray("argv");
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0).getAsString());
        assertTrue(Path.of(argv.get(0).getAsString()).isAbsolute());
        assertEquals("/k/conclab/conclab-kernel.jar", argv.get(argv.size() - 2).getAsString());
        assertEquals("{connection_file}", argv.get(argv.size() - 1).getAsString());
        assertEquals("Java 25 (conclab)", spec.get("display_name").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals("60", spec.getAsJsonObject("env").get("CONCLAB_TIMEOUT").getAsString());
    }

    @Test
    void installingMirrorsTheDistributionsJarsAtEveryDepth(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path from = dir.resolve("dist"), to = dir.resolve("kernel");
        write(from.resolve("conclab-kernel.jar"), 1);
        write(from.resolve("c10k/lib/netty.jar"), 2);
        write(from.resolve("plugins/grader/conclab-grader.jar"), 3);
        write(to.resolve("grader/conclab-grader.jar"), 4);     // where kernels before plug-ins kept the grader
        write(to.resolve("lib/old-version.jar"), 5);
        java.nio.file.Files.writeString(to.resolve("kernel.json"), "{}");
        for (int i = 0; i < 2; i++) Installer.mirrorJars(from, to);  // twice, as a second install does
        assertArrayEquals(new byte[] {2}, java.nio.file.Files.readAllBytes(to.resolve("c10k/lib/netty.jar")));
        assertArrayEquals(new byte[] {3}, java.nio.file.Files.readAllBytes(to.resolve("plugins/grader/conclab-grader.jar")));
        assertFalse(java.nio.file.Files.exists(to.resolve("grader")), "an old folder goes with its jars");
        assertFalse(java.nio.file.Files.exists(to.resolve("lib")), "a stale jar would stay on a class path");
        assertTrue(java.nio.file.Files.exists(to.resolve("kernel.json")), "files that are not jars are left alone");
        Installer.mirrorJars(to, to);  // installing from the installed folder itself changes nothing
        assertArrayEquals(new byte[] {1}, java.nio.file.Files.readAllBytes(to.resolve("conclab-kernel.jar")));
    }

    private static void write(Path file, int b) throws java.io.IOException {
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.write(file, new byte[] {(byte) b});
    }

    @Test
    void badArgumentsGetUsageNotAStackTrace() {
        assertEquals(2, Installer.run(new String[] {"--prefix"}));
        assertEquals(2, Installer.run(new String[] {"--name", "a b"}));
        assertEquals(2, Installer.run(new String[] {"--frobnicate"}));
    }

    @Test
    void theUserDataFolderIsJupytersOnEachSystem() {
        Path home = Path.of("/home/ada");
        Map<String, String> none = Map.of();
        assertEquals(Path.of("/home/ada/.local/share/jupyter"), Installer.userDataDir(none::get, "Linux", home));
        assertEquals(Path.of("/x/data/jupyter"), Installer.userDataDir(Map.of("XDG_DATA_HOME", "/x/data")::get, "Linux", home));
        assertEquals(Path.of("/home/ada/Library/Jupyter"), Installer.userDataDir(none::get, "Mac OS X", home));
        assertEquals(Path.of("/roaming", "jupyter"), Installer.userDataDir(Map.of("APPDATA", "/roaming")::get, "Windows 11", home));
        Map<String, String> set = Map.of("JUPYTER_DATA_DIR", "/j", "XDG_DATA_HOME", "/x", "APPDATA", "/roaming");
        for (String os : new String[] {"Linux", "Mac OS X", "Windows 11"}) {
            assertEquals(Path.of("/j"), Installer.userDataDir(set::get, os, home), "JUPYTER_DATA_DIR comes first on " + os);
        }
    }

    @Test
    void theHomeIsJupytersHomeVariableFirstThenTheAccounts() {
        assertEquals(Path.of("/tmp/h"), Installer.home(Map.of("HOME", "/tmp/h")::get, "/root"), "HOME, as Python reads it");
        assertEquals(Path.of("/root"), Installer.home(Map.<String, String>of()::get, "/root"), "user.home when HOME is not set");
        assertEquals(Path.of("/root"), Installer.home(Map.of("HOME", " ")::get, "/root"), "nor when it is blank");
    }

    @Test
    void filesAreReplacedWholeAndOnlyWhenTheyChanged(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path target = dir.resolve("conclab-lib.jar");
        Installer.put(new byte[] {1, 2, 3}, target);
        // A file written again, even in place with the same bytes, gets a new modification time.
        var past = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        java.nio.file.Files.setLastModifiedTime(target, past);
        Installer.put(new byte[] {1, 2, 3}, target);
        assertEquals(past, java.nio.file.Files.getLastModifiedTime(target), "an unchanged file must not be rewritten");
        // A hard link to the old file keeps the old bytes only if the new ones went to a new file, renamed over it:
        // a JVM running from the old jar keeps reading whole, consistent bytes.
        Path old = dir.resolve("old-link");
        java.nio.file.Files.createLink(old, target);
        Installer.put(new byte[] {4, 5}, target);
        assertArrayEquals(new byte[] {4, 5}, java.nio.file.Files.readAllBytes(target));
        assertArrayEquals(new byte[] {1, 2, 3}, java.nio.file.Files.readAllBytes(old), "the file was written in place, not replaced whole");
        java.nio.file.Files.delete(old);
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }
}
