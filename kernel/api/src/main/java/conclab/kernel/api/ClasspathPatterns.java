package conclab.kernel.api;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the paths a learner types in {@code %classpath}, {@code %jars} (a plug-in's) and {@code CONCLAB_CLASSPATH}:
 * one rule for all of them. Stateless.
 */
public final class ClasspathPatterns {
    private ClasspathPatterns() {}

    /**
     * The existing files or folders that {@code pattern} names, absolute and sorted. A leading {@code ~}
     * is the home folder; a relative path is relative to {@code base}; the last name may be a glob
     * ({@code lib/*.jar}, {@code jars/*}). An empty list means nothing matched.
     */
    public static List<String> expand(String pattern, Path base) {
        String p = pattern.strip();
        if (p.equals("~") || p.startsWith("~/")) p = System.getProperty("user.home") + p.substring(1);
        Path path = base.resolve(p).toAbsolutePath().normalize();
        Path name = path.getFileName();
        List<String> found = new ArrayList<>();
        if (name != null && hasGlob(name.toString())) {
            Path dir = path.getParent();
            if (dir == null || !Files.isDirectory(dir)) return found;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, name.toString())) {
                for (Path e : entries) found.add(e.toString());
            } catch (IOException e) {
                return found;
            }
            found.sort(null);
        } else if (Files.exists(path)) {
            found.add(path.toString());
        }
        return found;
    }

    private static boolean hasGlob(String name) {
        return name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }
}
