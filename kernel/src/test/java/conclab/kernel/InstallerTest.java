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
    void theUserDataFolderFollowsJupyter() {
        Path dir = Installer.userDataDir();
        assertTrue(dir.endsWith("jupyter") || dir.endsWith("Jupyter") || System.getenv("JUPYTER_DATA_DIR") != null, dir.toString());
    }

    @Test
    void filesAreReplacedWholeAndOnlyWhenTheyChanged(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path target = dir.resolve("conclab-lib.jar");
        Installer.put(new byte[] {1, 2, 3}, target);
        var before = java.nio.file.Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Installer.put(new byte[] {1, 2, 3}, target);
        assertEquals(before, java.nio.file.Files.readAttributes(target, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "an unchanged file must not be rewritten");
        Installer.put(new byte[] {4, 5}, target);
        assertArrayEquals(new byte[] {4, 5}, java.nio.file.Files.readAllBytes(target));
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }
}
