package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallerTest {
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
    void aFolderTheDistributionNoLongerHasIsRemoved(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path old = dir.resolve("kernel/grader");   // where kernels before plug-ins kept the grader
        java.nio.file.Files.createDirectories(old);
        java.nio.file.Files.write(old.resolve("conclab-grader.jar"), new byte[] {1});
        Installer.putJars(dir.resolve("dist/grader"), old);
        assertFalse(java.nio.file.Files.exists(old), "its jars and then the empty folder are gone");
        java.nio.file.Files.createDirectories(old);
        java.nio.file.Files.writeString(old.resolve("notes.txt"), "mine");
        Installer.removeJarsAndFolder(old);
        assertTrue(java.nio.file.Files.exists(old.resolve("notes.txt")), "a file that is not a jar is left alone");
    }

    @Test
    void installingAgainKeepsNestedFoldersAndDropsStaleJars(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path from = dir.resolve("dist/c10k"), to = dir.resolve("kernel/c10k");
        java.nio.file.Files.createDirectories(from.resolve("lib"));
        java.nio.file.Files.write(from.resolve("conclab-c10k.jar"), new byte[] {1});
        java.nio.file.Files.write(from.resolve("lib/netty.jar"), new byte[] {2});
        for (int i = 0; i < 2; i++) { // as install does: c10k/, then c10k/lib/; twice, as a second install does
            Installer.putJars(from, to);
            Installer.putJars(from.resolve("lib"), to.resolve("lib"));
        }
        assertArrayEquals(new byte[] {2}, java.nio.file.Files.readAllBytes(to.resolve("lib/netty.jar")));
        java.nio.file.Files.write(to.resolve("old-version.jar"), new byte[] {3});
        Installer.putJars(from, to);
        assertFalse(java.nio.file.Files.exists(to.resolve("old-version.jar")), "a stale jar would stay on the classpath");
        assertTrue(java.nio.file.Files.exists(to.resolve("lib/netty.jar")), "the nested folder stays");
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
