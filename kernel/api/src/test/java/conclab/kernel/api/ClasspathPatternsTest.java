package conclab.kernel.api;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathPatternsTest {
    @Test
    void globsRelativePathsAndHome(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Files.createFile(dir.resolve("lib/b.jar"));
        Files.createFile(dir.resolve("lib/a.jar"));
        Files.createFile(dir.resolve("lib/notes.txt"));
        assertEquals(List.of(dir.resolve("lib/a.jar").toString(), dir.resolve("lib/b.jar").toString()),
                ClasspathPatterns.expand("lib/*.jar", dir));
        assertEquals(3, ClasspathPatterns.expand("lib/*", dir).size());
        assertEquals(List.of(dir.resolve("lib").toString()), ClasspathPatterns.expand("lib", dir));
        assertEquals(List.of(), ClasspathPatterns.expand("nope/*.jar", dir));
        assertEquals(List.of(), ClasspathPatterns.expand("lib/missing.jar", dir));
        assertEquals(List.of(Path.of(System.getProperty("user.home")).toString()), ClasspathPatterns.expand("~", dir));
    }
}
