package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathsTest {
    @Test
    void globsRelativePathsAndHome(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Files.createFile(dir.resolve("lib/b.jar"));
        Files.createFile(dir.resolve("lib/a.jar"));
        Files.createFile(dir.resolve("lib/notes.txt"));
        assertEquals(List.of(dir.resolve("lib/a.jar").toString(), dir.resolve("lib/b.jar").toString()),
                Paths.expand("lib/*.jar", dir));
        assertEquals(3, Paths.expand("lib/*", dir).size());
        assertEquals(List.of(dir.resolve("lib").toString()), Paths.expand("lib", dir));
        assertEquals(List.of(), Paths.expand("nope/*.jar", dir));
        assertEquals(List.of(), Paths.expand("lib/missing.jar", dir));
        assertEquals(List.of(Path.of(System.getProperty("user.home")).toString()), Paths.expand("~", dir));
    }
}
