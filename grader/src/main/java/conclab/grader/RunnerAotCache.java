package conclab.grader;

import conclab.grader.runner.AotTraining;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The JDK's ahead-of-time cache for test JVMs ({@code -XX:AOTCache}, JDK 25): the classes a test JVM loads (the
 * JDK's, JUnit's, the runner's), already parsed and linked, so that each test JVM starts in a fraction of the time.
 *
 * <p>The cache is a file under {@code folder} named by a digest of everything it depends on: the JDK (its folder and
 * its {@code release} file), the classpath (each jar's path, size and time), and the options of the JVM that made it.
 * A changed jar or JDK makes another name, so a stale cache is never used. The grader makes it with {@link #make()}
 * before it checks anything (a grading, a calibration, a check from the command line), so that every test JVM of a
 * run starts alike: a JVM runs the runner on {@link AotTraining} with {@code -XX:AOTCacheOutput}, under a
 * {@link Sandbox}, and the file is written under a temporary name and renamed when whole. When it cannot be made,
 * {@link #options()} is empty and test JVMs start as without a cache. Making a cache removes all but the
 * {@value #KEPT} newest others in the folder, and what a maker that was killed left there.
 *
 * <p>A test JVM that uses it has the classpath it was made with, then the check's classes: the JVM accepts a cache
 * only for a classpath that begins with the one it was made with (and no folder may be on that one). It is told to
 * say nothing about the cache ({@code -Xlog:aot*=off,cds*=off}): should it refuse the file anyway, it starts without
 * it, as silently as without one.
 *
 * <p>Thread-safe: the fields are final or idempotent; the file system holds the rest. Two JVMs making the same cache
 * at once each write their own temporary file, and the last rename wins with a whole file.
 */
final class RunnerAotCache {
    /** How many other caches making one keeps in its folder (the JDK, the jars or the options changed since). */
    static final int KEPT = 3;
    private static final String PREFIX = "test-jvm-", SUFFIX = ".aot", MAKING = "making-";

    private final Path folder;
    private final Path file;
    private final Path javaHome;
    private final List<Path> classpath;
    private final List<String> jvmOptions;
    /** Whether this classpath may be cached ({@link #usable()}), once known: null before. Racy but idempotent. */
    private volatile Boolean usable;

    /**
     * @param folder     where caches are kept (made if missing); the caller may share it between runs
     * @param javaHome   the JDK of the test JVMs
     * @param classpath  the test JVMs' classpath, before the check's classes: jars only
     * @param jvmOptions the test JVMs' options that the cache's JVM takes too
     */
    RunnerAotCache(Path folder, Path javaHome, List<Path> classpath, List<String> jvmOptions) {
        this.folder = folder;
        this.javaHome = javaHome;
        this.classpath = List.copyOf(classpath);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.file = folder.resolve(PREFIX + key(javaHome, classpath, jvmOptions) + SUFFIX);
    }

    /** The options that make a test JVM use the cache, or none when it is not there. */
    List<String> options() {
        if (!usable() || !Files.isRegularFile(file)) return List.of();
        return List.of("-XX:AOTCache=" + file, "-Xlog:aot*=off,cds*=off");
    }

    /** The folder the caches are kept in. */
    Path folder() {
        return folder;
    }

    /** The cache file this JDK and classpath use (it may not be there yet). */
    Path file() {
        return file;
    }

    /**
     * Makes the cache now, in this thread, unless it is there; true if it is there afterwards. A failure leaves no
     * file behind and is silent: test JVMs then start without a cache.
     */
    boolean make() {
        if (!usable()) return false;
        if (Files.isRegularFile(file)) return true;
        Path work = null;
        try {
            Files.createDirectories(folder);
            prune();
            work = Files.createTempDirectory(folder, MAKING);
            Path partial = work.resolve("cache.aot");
            List<String> java = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
            java.addAll(jvmOptions);
            java.addAll(List.of("-XX:AOTCacheOutput=" + partial, "-cp", path(classpath),
                    "conclab.grader.runner.Runner", work.resolve("results.txt").toString(), AotTraining.class.getName()));
            Sandbox.Run run = Sandbox.run(java, work, Limits.DEFAULT, Limits.DEFAULT.wallSeconds());
            if (run.exitCode() != 0 || !Files.isRegularFile(partial)) return false;
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            if (work != null) Checker.delete(work);
        }
    }

    /**
     * Removes what a maker killed midway left (a {@code making-} folder an hour old) and all but the {@link #KEPT}
     * newest caches: the ones a changed JDK, jar or option no longer names. A cache a JVM has mapped stays readable
     * to it when removed; the next test JVM of that run then starts without a cache.
     */
    private void prune() throws IOException {
        List<Path> caches = new ArrayList<>();
        long hourAgo = System.currentTimeMillis() - 3_600_000L;
        try (var entries = Files.list(folder)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(MAKING) && time(p) < hourAgo) Checker.delete(p);
                if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) caches.add(p);
            }
        }
        caches.sort(java.util.Comparator.comparingLong(RunnerAotCache::time).reversed());
        for (Path old : caches.subList(Math.min(KEPT, caches.size()), caches.size())) Files.deleteIfExists(old);
    }

    /**
     * Whether a test JVM may use a cache for this classpath: jars only (the JVM refuses a folder on it), none with a
     * class in the unnamed package. The check's classes, all in the unnamed package, come after the jars when the
     * cache is used and before them when not; since no jar has a class of that package, the same classes load
     * either way.
     */
    private boolean usable() {
        Boolean known = usable;
        if (known == null) usable = known = classpath.stream().allMatch(RunnerAotCache::jarWithoutUnnamedPackage);
        return known;
    }

    private static boolean jarWithoutUnnamedPackage(Path p) {
        if (!p.toString().endsWith(".jar") || !Files.isRegularFile(p)) return false;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(p.toFile())) {
            return zip.stream().map(java.util.zip.ZipEntry::getName)
                    .noneMatch(n -> n.endsWith(".class") && !n.contains("/") && !n.equals("module-info.class"));
        } catch (IOException e) {
            return false;
        }
    }

    /** A digest of what the cache depends on: another JDK, jar or option names another file. */
    static String key(Path javaHome, List<Path> classpath, List<String> jvmOptions) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        List<String> parts = new ArrayList<>(List.of(javaHome.toAbsolutePath().toString(), read(javaHome.resolve("release"))));
        for (Path p : classpath) parts.add(p.toAbsolutePath() + " " + size(p) + " " + time(p));
        parts.addAll(jvmOptions);
        for (String part : parts) {
            sha.update(part.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 12);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long time(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String path(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
