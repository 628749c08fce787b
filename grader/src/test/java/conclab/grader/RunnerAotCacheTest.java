package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test JVMs' AOT cache is used only when it was made for this JDK and classpath; a missing, stale or broken
 * one leaves test JVMs as they are without it.
 */
class RunnerAotCacheTest {
    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private final Exercise counter = Catalog.get().find("safe-counter");

    private static final String RIGHT = """
            public class SafeCounter {
                private long count;
                public synchronized void increment() { count++; }
                public synchronized long get() { return count; }
            }""";

    @TempDir
    static Path jars;
    /** The tests' classpath with every folder (target/classes) made a jar: the JVM caches jars only. */
    private static List<Path> classpath;

    @BeforeAll
    static void jarTheFolders() throws IOException {
        classpath = Jarred.classpath(jars);
    }

    @Test
    void aClasspathWithAFolderIsNeverCached(@TempDir Path folder) {
        List<Path> withFolder = new ArrayList<>(classpath);
        withFolder.add(folder);
        RunnerAotCache cache = new RunnerAotCache(folder.resolve("cache"), JAVA_HOME, withFolder, List.of());
        assertEquals(List.of(), cache.options());
        assertFalse(cache.make());
        assertFalse(Files.exists(cache.file()));
    }

    /** A jar with a class in the unnamed package could hide a learner's class of that name: no cache then. */
    @Test
    void aJarWithAClassInTheUnnamedPackageIsNeverCached(@TempDir Path folder) throws IOException {
        Path classes = Files.createDirectories(folder.resolve("classes"));
        Files.write(classes.resolve("SafeCounter.class"), new byte[] {(byte) 0xCA, (byte) 0xFE});
        List<Path> withIt = new ArrayList<>(classpath);
        withIt.add(Jarred.jar(classes, folder.resolve("unnamed.jar")));
        RunnerAotCache cache = new RunnerAotCache(folder.resolve("cache"), JAVA_HOME, withIt, List.of());
        assertEquals(List.of(), cache.options());
        assertFalse(cache.make());
    }

    @Test
    void aMissingCacheIsMadeOnceAndThenUsed(@TempDir Path folder) {
        RunnerAotCache cache = new RunnerAotCache(folder, JAVA_HOME, classpath, List.of("-Xmx256m"));
        assertFalse(Files.exists(cache.file()));
        assertTrue(cache.make(), "the JVM made the cache");
        assertTrue(Files.isRegularFile(cache.file()));
        assertEquals(List.of("-XX:AOTCache=" + cache.file(), "-Xlog:aot*=off,cds*=off"), cache.options());
    }

    /**
     * Making a cache keeps the {@value RunnerAotCache#KEPT} newest others (made for a JDK, jars or options of before)
     * and removes the rest, and what a maker killed an hour ago left; a maker's folder of now is left alone.
     */
    @Test
    void makingACacheRemovesOldOnesAndWhatAKilledMakerLeft(@TempDir Path folder) throws IOException {
        long now = System.currentTimeMillis();
        List<Path> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Path old = Files.writeString(folder.resolve("test-jvm-old" + i + ".aot"), "a cache of before");
            Files.setLastModifiedTime(old, FileTime.fromMillis(now - (i + 1) * 86_400_000L)); // old0 is the newest
            others.add(old);
        }
        Path killed = Files.createDirectories(folder.resolve("making-killed"));
        Files.writeString(killed.resolve("cache.aot"), "half a cache");
        Files.setLastModifiedTime(killed, FileTime.fromMillis(now - 2 * 3_600_000L));
        Path making = Files.createDirectories(folder.resolve("making-now"));
        Path mine = Files.writeString(folder.resolve("notes.txt"), "not a cache");

        RunnerAotCache cache = new RunnerAotCache(folder, JAVA_HOME, classpath, List.of("-Xmx200m"));
        assertTrue(cache.make());
        for (int i = 0; i < 5; i++) assertEquals(i < RunnerAotCache.KEPT, Files.exists(others.get(i)), others.get(i).toString());
        assertFalse(Files.exists(killed));
        assertTrue(Files.isDirectory(making), "a maker of now may still be writing");
        assertTrue(Files.exists(mine), "only caches and makers' folders are removed");
        assertTrue(Files.isRegularFile(cache.file()));
    }

    /** A checker told another processor count after it was given a cache uses the cache made for that count. */
    @Test
    void anotherProcessorCountHasACacheOfItsOwn(@TempDir Path folder) {
        Checker cached = new Checker(JAVA_HOME, classpath).withAotCacheIn(folder);
        Checker one = cached.withProcessors(1);
        assertEquals(folder, one.aotCache().folder());
        assertNotEquals(cached.aotCache().file(), one.aotCache().file());
    }

    /** Another jar (here: the same jar, changed) or another JDK option means another cache: the old one is not used. */
    @Test
    void aStaleCacheIsNotUsed(@TempDir Path folder) throws IOException {
        List<Path> mine = new ArrayList<>(classpath);
        Path changing = Files.copy(classpath.getFirst(), folder.resolve("changing.jar"));
        mine.set(0, changing);
        RunnerAotCache before = new RunnerAotCache(folder, JAVA_HOME, mine, List.of());
        Files.writeString(before.file(), "a cache made for the jar as it was");
        Files.setLastModifiedTime(changing, FileTime.fromMillis(Files.getLastModifiedTime(changing).toMillis() + 60_000));
        RunnerAotCache after = new RunnerAotCache(folder, JAVA_HOME, mine, List.of());
        assertNotEquals(before.file(), after.file());
        assertFalse(Files.exists(after.file()));
        assertNotEquals(before.file(), new RunnerAotCache(folder, JAVA_HOME, mine, List.of("-Xmx1g")).file());
    }

    /**
     * A cache file the JVM refuses (here: not a cache at all) changes nothing: the check's outcome and what its JVM
     * printed are those of a checker without a cache.
     */
    @Test
    void aBrokenCacheFallsBackSilently(@TempDir Path folder) throws IOException {
        Checker plain = new Checker(JAVA_HOME, classpath);
        Checker cached = plain.withAotCacheIn(folder);
        Files.createDirectories(folder);
        Files.writeString(cached.aotCache().file(), "not an AOT cache");
        assertEquals(2, cached.aotCache().options().size(), "the checker believes it has a cache");
        Outcome without = plain.check(counter, RIGHT, 2, Scope.PUBLIC);
        Outcome with = cached.check(counter, RIGHT, 2, Scope.PUBLIC);
        assertNull(with.verdict(), Feedback.text(with));
        assertEquals(without.points(), with.points());
        assertEquals(without.output(), with.output());
        assertFalse(with.output().contains("aot"), with.output());
    }

    /** A check with a cache the JVM uses gets the outcome of one without. */
    @Test
    void aCheckWithTheCacheGradesAlike(@TempDir Path folder) {
        Checker plain = new Checker(JAVA_HOME, classpath);
        Checker cached = plain.withAotCacheIn(folder);
        assertTrue(cached.aotCache().make());
        String wrong = RIGHT.replace("return count;", "return 0;"); // fails counts-alone, whatever the timing
        for (String source : List.of(RIGHT, wrong)) {
            Outcome without = plain.check(counter, source, 2, Scope.ALL);
            Outcome with = cached.check(counter, source, 2, Scope.ALL);
            assertEquals(without.verdict(), with.verdict());
            assertEquals(without.results().stream().map(r -> r.prop().id() + " " + r.status()).toList(),
                    with.results().stream().map(r -> r.prop().id() + " " + r.status()).toList(), Feedback.text(with));
        }
    }
}
