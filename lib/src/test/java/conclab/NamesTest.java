package conclab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.io.EventLoop;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No public class of the lib has the simple name of a public type in a JDK package that notebook cells import on
 * demand: a learner would have to import the lib's class by its full name (as with {@code java.util.Timer}).
 */
class NamesTest {
    /** The packages every notebook cell imports with {@code .*} (and java.lang, imported everywhere). */
    static final List<String> IMPORTED = List.of("java.lang", "java.util", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.util.function", "java.util.stream",
            "java.io", "java.nio", "java.nio.channels", "java.nio.file", "java.net", "java.time");

    @Test
    void noPublicClassOfTheLibHidesOrIsHiddenByAnImportedJdkType() throws Exception {
        List<String> classes = publicTopLevelClasses();
        assertTrue(classes.size() > 20, "found only " + classes + " in " + libFolder());
        List<String> clashes = new ArrayList<>();
        for (String name : classes) {
            String simple = name.substring(name.lastIndexOf('.') + 1);
            for (String pkg : IMPORTED) {
                if (isPublicJdkType(pkg + "." + simple)) clashes.add(name + " (as " + pkg + "." + simple + ")");
            }
        }
        assertEquals(List.of(), clashes, "public lib classes named like a JDK type that notebooks import: rename them");
    }

    /** The folder of the lib's compiled classes (target/classes). */
    static Path libFolder() throws URISyntaxException {
        return Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The binary names of the lib's public top-level classes, sorted. */
    static List<String> publicTopLevelClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = libFolder();
        List<String> names;
        try (Stream<Path> files = Files.walk(root)) {
            names = files.map(f -> root.relativize(f).toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$") && !f.endsWith("package-info.class")
                            && !f.endsWith("module-info.class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .sorted()
                    .toList();
        }
        List<String> public_ = new ArrayList<>();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, NamesTest.class.getClassLoader()); // loaded, not initialized
            if (Modifier.isPublic(c.getModifiers())) public_.add(name);
        }
        return public_;
    }

    /** Whether {@code name} is a public type of the JDK. */
    static boolean isPublicJdkType(String name) {
        try {
            return Modifier.isPublic(Class.forName(name, false, ClassLoader.getPlatformClassLoader()).getModifiers());
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
