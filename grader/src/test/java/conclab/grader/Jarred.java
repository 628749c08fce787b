package conclab.grader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The tests' classpath as the distribution has it, jars only: a build's test run has folders on it
 * ({@code target/classes}), and the JVM's AOT cache accepts jars only ({@link RunnerAotCache}).
 */
final class Jarred {
    private Jarred() {}

    /** {@link Checker#here()}'s classpath with each folder replaced by a jar of it, made in {@code dir}. */
    static List<Path> classpath(Path dir) throws IOException {
        List<Path> classpath = new ArrayList<>();
        for (Path p : Checker.here().classpath()) {
            classpath.add(Files.isDirectory(p) ? jar(p, dir.resolve(classpath.size() + ".jar")) : p);
        }
        return classpath;
    }

    /** A jar of every file under {@code folder}, at {@code jar}. */
    static Path jar(Path folder, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(folder.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, (OutputStream) out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
