package conclab.process;

import static conclab.process.Children.LIMIT;
import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void childrenRunTheLibraryFromWhereItsClassesAre() {
        Path classes = Path.of(Jvm.classPath());
        assertTrue(Files.isRegularFile(classes.resolve("conclab/process/Jvm.class")), classes.toString()); // target/classes
        assertTrue(Jvm.canRun(UpperCase.class));
        assertFalse(Jvm.canRun(JvmTest.class));
        var e = assertThrows(IllegalArgumentException.class, () -> Jvm.command(JvmTest.class));
        assertTrue(e.getMessage().contains("cannot load it"), e.getMessage());
    }

    /** Stands for a class of a notebook cell. */
    static final class Snippet {}

    @Test
    void classesFromNowhereAreRefused() throws Exception {
        byte[] bytes;
        try (var in = JvmTest.class.getResourceAsStream("JvmTest$Snippet.class")) {
            bytes = in.readAllBytes();
        }
        var noLocation = new ProtectionDomain(new CodeSource(null, (Certificate[]) null), null); // as in JShell
        var loader = new ClassLoader(null) {
            Class<?> define() {
                return defineClass(Snippet.class.getName(), bytes, 0, bytes.length, noLocation);
            }
        };
        assertFalse(Jvm.canRun(loader.define()));
    }

    @Test
    void childrenRunTheLibraryFromItsJarToo(@TempDir Path dir) throws Exception {
        Path classes = Path.of(Jvm.classPath()), jar = dir.resolve("conclab-lib.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            assertEquals(jar.toString(), loader.loadClass(Jvm.class.getName()).getMethod("classPath").invoke(null));
            Class<?> lineChild = loader.loadClass(LineChild.class.getName());
            Object child = lineChild.getMethod("start", Class.class, String[].class)
                    .invoke(null, loader.loadClass(UpperCase.class.getName()), new String[0]);
            try (var closing = (AutoCloseable) child) {
                assertEquals("FROM A JAR", lineChild.getMethod("ask", String.class).invoke(child, "from a jar"));
            }
        }
    }

    @Test
    void endClosesStdinAndAChildEndsByItself() {
        Process p = Jvm.start(UpperCase.class);
        assertTrue(Jvm.end(p, Duration.ofSeconds(LIMIT)));
        assertFalse(p.isAlive());
    }

    @Test
    void endKillsAChildThatDoesNotEndInTime() {
        Process p = Jvm.start(UpperCase.class);
        Jvm.end(p, Duration.ZERO); // usually kills it: a JVM does not start and end that fast
        assertFalse(p.isAlive());
    }
}
