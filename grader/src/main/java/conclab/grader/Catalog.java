package conclab.grader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every exercise of the course, by name, as listed in {@code conclab/exercises/catalog.txt} (one name per
 * line; {@code #} starts a comment). Loaded once; immutable.
 */
public final class Catalog {
    private static final String INDEX = "conclab/exercises/catalog.txt";
    private static volatile Catalog instance;

    private final Map<String, Exercise> exercises;

    private Catalog(Map<String, Exercise> exercises) {
        this.exercises = Collections.unmodifiableMap(exercises);
    }

    /** The catalog on this class's classpath. */
    public static Catalog get() {
        Catalog c = instance;
        if (c == null) instance = c = load();
        return c;
    }

    private static Catalog load() {
        Map<String, Exercise> map = new LinkedHashMap<>();
        for (String name : names()) {
            Exercise e = Exercise.load(name);
            if (e == null) throw new IllegalStateException(INDEX + " lists " + name + ", which has no exercise.properties");
            map.put(name, e);
        }
        return new Catalog(map);
    }

    private static List<String> names() {
        try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(INDEX)) {
            if (in == null) throw new IllegalStateException("no " + INDEX + " on the classpath");
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.replaceFirst("#.*", "").strip();
                if (!name.isEmpty()) names.add(name);
            }
            return names;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + INDEX + ": " + e.getMessage(), e);
        }
    }

    /** The exercise called {@code name}, or null. */
    public Exercise find(String name) {
        return exercises.get(name);
    }

    /** All exercises, in catalog order. */
    public List<Exercise> all() {
        return List.copyOf(exercises.values());
    }
}
