package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a copy made with {@link TimeLimits#stretched}, the learner's calls give days-long time limits: seen without
 * waiting, as the learner's code calls methods of a class of another file (not copied) that have the names and
 * parameters of timed waits and record what they get.
 */
class TimeLimitsTest {
    @TempDir
    static Path classes;
    static ClassLoader parent;

    @BeforeAll
    static void compile() throws Exception {
        Path src = Files.createDirectories(classes.resolve("src"));
        Files.writeString(src.resolve(Evidence.SOLUTION_FILE), """
                import java.time.Duration;
                import java.util.Date;
                import java.util.concurrent.TimeUnit;
                class Waits {
                    static void all() {
                        Seen.sleep(10);
                        Seen.join(10, 500);
                        Seen.tryAcquire(10, TimeUnit.MILLISECONDS);
                        Seen.sleep(Duration.ofMillis(10));
                        Seen.awaitUntil(new Date(10));
                        Seen.sleep(0);
                        Seen.count(10);
                        Seen.got.add(TimeUnit.MILLISECONDS.convert(2, TimeUnit.SECONDS));
                    }
                }
                """);
        Files.writeString(src.resolve("Seen.java"), """
                import java.time.Duration;
                import java.util.ArrayList;
                import java.util.Date;
                import java.util.List;
                import java.util.concurrent.TimeUnit;
                public class Seen {
                    public static final List<Object> got = new ArrayList<>();
                    public static void sleep(long millis) { got.add(millis); }
                    public static void join(long millis, int nanos) { got.add(millis + "+" + nanos); }
                    public static void tryAcquire(long time, TimeUnit unit) { got.add(time + " " + unit); }
                    public static void sleep(Duration time) { got.add(time); }
                    public static void awaitUntil(Date deadline) { got.add(deadline.getTime()); }
                    public static void count(long n) { got.add(n); }
                }
                """);
        int exit = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", classes.toString(),
                src.resolve(Evidence.SOLUTION_FILE).toString(), src.resolve("Seen.java").toString());
        assertEquals(0, exit, "javac");
        parent = new URLClassLoader(new URL[] {classes.toUri().toURL()}, TimeLimitsTest.class.getClassLoader());
    }

    @Test
    void everyTimeLimitBecomesDaysLongAndNothingElseChanges() throws Exception {
        InstrumentedCopy copy = new InstrumentedCopy("stretched", parent, TimeLimits.stretched());
        InstrumentedCopy.invoke(copy.method("Waits", "all"), null);
        @SuppressWarnings("unchecked")
        List<Object> got = (List<Object>) parent.loadClass("Seen").getField("got").get(null);
        long days = TimeLimits.stretch(10L);
        assertEquals(List.of(days, days + "+0", "10 " + TimeUnit.DAYS, TimeLimits.stretch(Duration.ofMillis(10)),
                TimeLimits.stretch(new Date(10)).getTime(), 0L, 10L, 2000L), got,
                "sleep, join(millis, nanos), a (long, TimeUnit) call, a Duration and a Date stretched; a zero limit,"
                        + " a method that does not wait and TimeUnit.convert as they were");
        assertTrue(days >= TimeUnit.DAYS.toNanos(1), "days long, even in nanoseconds");
    }
}
