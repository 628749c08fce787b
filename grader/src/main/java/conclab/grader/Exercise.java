package conclab.grader;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One exercise of the course, as the catalog describes it: a piece of code checked by tests in a JVM of
 * its own, or a quiz question checked by comparing the answer.
 *
 * <p>An exercise is defined by {@code conclab/exercises/NAME/exercise.properties} on the classpath:
 * <pre>
 * title = A counter that loses no updates
 * kind = code                                   # code, choice or short
 * properties = counts-alone, no-lost-updates    # graded properties, in the order feedback lists them
 * property.counts-alone = 1 | public | counts every increment made by one thread
 * tests.public = SafeCounterTest.java           # sources in public/ and hidden/ beside the file
 * tests.hidden = SafeCounterHiddenTest.java
 * limit.wall = 60                               # optional, see {@link Limits}
 * preview = true                                # optional: the code may use the JDK's preview APIs
 * </pre>
 * A quiz has {@code kind = choice} with {@code choices} and {@code answer}, or {@code kind = short} with
 * {@code accept} (a regular expression, case-insensitive), plus {@code points}, {@code explain} (shown once
 * answered right) and {@code hint} (shown after a wrong answer).
 *
 * <p>Instances are immutable.
 */
public final class Exercise {
    /** What is checked. */
    public enum Kind { CODE, CHOICE, SHORT }

    /**
     * A graded property: an id used by the tests' {@code @Property} annotations, its points, whether it is
     * hidden (run only when grading), and what it means in a learner's words.
     */
    public record Prop(String id, int points, boolean hidden, String text) {}

    private final String name;
    private final String title;
    private final Kind kind;
    private final List<Prop> props;
    private final List<String> publicTests;
    private final List<String> hiddenTests;
    private final Limits limits;
    /** Whether the solution and its tests are compiled and run with {@code --enable-preview}. */
    private final boolean preview;
    private final List<String> choices;
    private final String answer;
    private final Pattern accept;
    private final String explain;
    private final String hint;

    private Exercise(String name, Properties p) {
        this.name = name;
        this.title = required(p, "title");
        String k = required(p, "kind").toUpperCase(Locale.ROOT);
        try {
            this.kind = Kind.valueOf(k);
        } catch (IllegalArgumentException e) {
            throw invalid("kind must be code, choice or short, not " + k.toLowerCase(Locale.ROOT));
        }
        this.explain = p.getProperty("explain", "").strip();
        this.hint = p.getProperty("hint", "").strip();
        if (kind == Kind.CODE) {
            this.props = parseProps(p);
            this.publicTests = list(p.getProperty("tests.public", ""));
            this.hiddenTests = list(p.getProperty("tests.hidden", ""));
            if (publicTests.isEmpty()) throw invalid("tests.public names no test source");
            this.limits = Limits.DEFAULT.with(p);
            this.preview = Boolean.parseBoolean(p.getProperty("preview", "false").strip());
            this.choices = List.of();
            this.answer = null;
            this.accept = null;
        } else {
            int points = Integer.parseInt(required(p, "points"));
            this.props = List.of(new Prop("answer", points, false, title));
            this.publicTests = List.of();
            this.hiddenTests = List.of();
            this.limits = Limits.DEFAULT;
            this.preview = false;
            if (kind == Kind.CHOICE) {
                this.choices = list(required(p, "choices"));
                this.answer = required(p, "answer");
                if (!choices.contains(answer)) throw invalid("answer " + answer + " is not one of the choices");
                this.accept = null;
            } else {
                this.choices = List.of();
                this.answer = null;
                try {
                    this.accept = Pattern.compile(required(p, "accept"), Pattern.CASE_INSENSITIVE);
                } catch (PatternSyntaxException e) {
                    throw invalid("accept is not a regular expression: " + e.getDescription());
                }
            }
        }
    }

    /** Reads exercise {@code name} from the classpath; null when there is no such exercise. */
    static Exercise load(String name) {
        String path = "conclab/exercises/" + name + "/exercise.properties";
        try (InputStream in = Exercise.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) return null;
            Properties p = new Properties();
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            return new Exercise(name, p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("exercise " + name + ": " + e.getMessage(), e);
        }
    }

    private List<Prop> parseProps(Properties p) {
        List<Prop> result = new ArrayList<>();
        for (String id : list(required(p, "properties"))) {
            String[] parts = required(p, "property." + id).split("\\|", 3);
            if (parts.length != 3) throw invalid("property." + id + " must read POINTS | public or hidden | TEXT");
            String scope = parts[1].strip();
            if (!scope.equals("public") && !scope.equals("hidden")) {
                throw invalid("property." + id + ": the scope is public or hidden, not " + scope);
            }
            result.add(new Prop(id, Integer.parseInt(parts[0].strip()), scope.equals("hidden"), parts[2].strip()));
        }
        if (result.stream().noneMatch(pr -> !pr.hidden())) throw invalid("no public property");
        return List.copyOf(result);
    }

    private String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw invalid("missing " + key);
        return v.strip();
    }

    private IllegalArgumentException invalid(String what) {
        return new IllegalArgumentException("exercise.properties: " + what);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    public String name() {
        return name;
    }

    public String title() {
        return title;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isQuiz() {
        return kind != Kind.CODE;
    }

    /** The graded properties, public and hidden, in feedback order. */
    public List<Prop> props() {
        return props;
    }

    /** The properties a run in {@code scope} checks. */
    public List<Prop> props(Scope scope) {
        return props.stream().filter(p -> scope == Scope.ALL || !p.hidden()).toList();
    }

    /** The points of the properties a run in {@code scope} checks. */
    public int maxPoints(Scope scope) {
        return props(scope).stream().mapToInt(Prop::points).sum();
    }

    /** Test source names (in {@code public/} or {@code hidden/} beside the definition). */
    List<String> tests(boolean hidden) {
        return hidden ? hiddenTests : publicTests;
    }

    /** The source of one test file, read from the classpath. */
    String testSource(boolean hidden, String file) {
        String path = "conclab/exercises/" + name + (hidden ? "/hidden/" : "/public/") + file;
        try (InputStream in = Exercise.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("exercise " + name + ": no test source " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Whether the check compiles and runs with {@code --enable-preview}: for exercises on the JDK's preview APIs
     * ({@code StructuredTaskScope} in JDK 25), the one place where preview APIs leave the notebook cells.
     */
    public boolean preview() {
        return preview;
    }

    /** A quiz's choices (empty for other kinds). */
    public List<String> choices() {
        return choices;
    }

    /** Whether {@code given} answers this quiz. */
    boolean accepts(String given) {
        String a = given.strip();
        return switch (kind) {
            case CHOICE -> a.equalsIgnoreCase(answer);
            case SHORT -> accept.matcher(a).matches();
            case CODE -> throw new IllegalStateException(name + " is not a quiz");
        };
    }

    String explain() {
        return explain;
    }

    String hint() {
        return hint;
    }

    @Override
    public String toString() {
        return name;
    }
}
