package conclab.grader.runner;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs test classes in the order the grader named them: an exercise's public tests, then its hidden ones.
 *
 * <p>Some checks depend on it. byte-counter's one-thread test must be the first to call the learner's code in its
 * JVM, so that a thread the code keeps from call to call is started, and counted, while it runs. JUnit's own
 * class order is documented as "deterministic but intentionally nonobvious", so it is not left to JUnit.
 *
 * <p>The order is the configuration parameter {@value #PARAMETER}, class names separated by commas. A class not
 * named there goes last; the sort is stable.
 */
public final class GivenOrder implements ClassOrderer {
    /** The configuration parameter that names the classes in order. */
    public static final String PARAMETER = "conclab.grader.classOrder";

    @Override
    public void orderClasses(ClassOrdererContext context) {
        List<String> given = context.getConfigurationParameter(PARAMETER)
                .map(s -> Arrays.asList(s.split(","))).orElse(List.of());
        context.getClassDescriptors().sort(Comparator.comparingInt(d -> {
            int i = given.indexOf(d.getTestClass().getName());
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
    }
}
