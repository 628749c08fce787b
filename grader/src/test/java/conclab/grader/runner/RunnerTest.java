package conclab.grader.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** What the test JVM's runner writes when a learner's throwable misbehaves, and the order it runs classes in. */
class RunnerTest {
    /** An exception whose message cannot be read, as a learner's own exception class can be. */
    static final class Unreadable extends RuntimeException {
        @Override
        public String getMessage() {
            throw new IllegalStateException("no message for you");
        }
    }

    private static List<String[]> records(ByteArrayOutputStream out) {
        return out.toString(StandardCharsets.UTF_8).lines().map(l -> l.split("\t", -1)).toList();
    }

    @Test
    void aFailureThatCannotBeDescribedStillFailsItsPropertyInWords() {
        var out = new ByteArrayOutputStream();
        new Runner(out).done("p", TestExecutionResult.failed(new Unreadable()));
        List<String[]> records = records(out);
        assertEquals(1, records.size());
        assertEquals(List.of("DONE", "p", "FAILED"), List.of(records.get(0)).subList(0, 3));
        String evidence = new String(Base64.getDecoder().decode(records.get(0)[3]), StandardCharsets.UTF_8);
        assertEquals("your code threw " + Unreadable.class.getName() + ", and describing it threw "
                + IllegalStateException.class.getName(), evidence);
    }

    @Test
    void aCycleOfCausesIsDescribedInBoundedTime() {
        var a = new RuntimeException("a");
        var b = new RuntimeException("b");
        a.initCause(b);
        b.initCause(a);
        var out = new ByteArrayOutputStream();
        assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> new Runner(out).done("p", TestExecutionResult.failed(a)));
        String[] record = records(out).get(0);
        assertEquals("FAILED", record[2]);
        assertTrue(new String(Base64.getDecoder().decode(record[3]), StandardCharsets.UTF_8).contains("RuntimeException: a"));
    }

    static final List<String> ran = new CopyOnWriteArrayList<>();

    // Not run by surefire (it leaves nested classes out); run below through the runner's own request.
    static final class Zulu {
        @Test
        void test() {
            ran.add("Zulu");
        }
    }

    static final class Alpha {
        @Test
        void test() {
            ran.add("Alpha");
        }
    }

    @Test
    void classesRunInTheOrderTheGraderNamesThem() {
        for (List<Class<?>> order : List.of(List.of(Zulu.class, Alpha.class), List.of(Alpha.class, Zulu.class))) {
            ran.clear();
            var summary = new SummaryGeneratingListener();
            LauncherFactory.create().execute(
                    Runner.request(order.stream().map(Class::getName).toArray(String[]::new), 10), summary);
            assertEquals(2, summary.getSummary().getTestsSucceededCount());
            assertEquals(order.stream().map(Class::getSimpleName).toList(), ran);
        }
    }
}
