package conclab.trace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a {@link Trace} recorded: one lane per thread, with the spans it marked, its events, and the
 * states it was seen in. Times are nanoseconds from the start of the trace.
 *
 * <p>A timeline is the value of a notebook cell: {@link #mimeBundle()} draws it as SVG, inline in
 * {@code text/html} (so JupyterLab shows hover text) and as {@code image/svg+xml} (for exports and GitHub),
 * with its {@link #summary()} as {@code text/plain} beside them. It reads without colour: each state has a
 * pattern of its own as well as a colour (solid, stripes, hatching, dots, dashes; the legend shows them), and
 * the SVG carries a {@code <title>} and a {@code <desc>} (the summary) for screen readers. {@link #save}
 * writes the SVG to a file. Timelines are immutable.
 */
public final class Timeline {
    /** A thread's state from {@code start} to {@code end}. */
    public record Interval(State state, long start, long end) {}

    /**
     * A span: {@code name} from {@code start} to {@code end}, drawn at {@code depth}: the number of spans it is
     * nested in, or, when spans on one thread overlap without nesting, a depth no span open at the same time has.
     */
    public record Bar(String name, long start, long end, int depth) {
        public long duration() {
            return end - start;
        }
    }

    /** An instant marked with {@link Trace#event}. */
    public record Event(String name, long time) {}

    /** One thread: its name, id, whether it is virtual, and what it did. */
    public record Lane(String thread, long threadId, boolean virtual, List<Bar> bars, List<Event> events,
                       List<Interval> states) {
        public Lane {
            bars = List.copyOf(bars);
            events = List.copyOf(events);
            states = List.copyOf(states);
        }

        /**
         * Nanoseconds this thread was seen in each state, in the order of {@link State}; a state never seen
         * is absent. The one place where a lane's stretches are added up (the {@link #summary()} and
         * {@code conclab.threads.TimeInStates} both read it).
         */
        public Map<State, Long> timeInStates() {
            Map<State, Long> nanos = new EnumMap<>(State.class);
            for (Interval i : states) nanos.merge(i.state(), i.end() - i.start(), Long::sum);
            return nanos;
        }
    }

    private final List<Lane> lanes;
    private final long duration;
    private final String title;

    Timeline(List<Lane> lanes, long duration, String title) {
        this.lanes = List.copyOf(lanes);
        this.duration = Math.max(duration, 1);
        this.title = title;
    }

    public List<Lane> lanes() {
        return lanes;
    }

    /** How long the trace ran. */
    public Duration duration() {
        return Duration.ofNanos(duration);
    }

    /** This timeline with a title above it. */
    public Timeline title(String title) {
        return new Timeline(lanes, duration, title);
    }

    /** Every span of every lane. */
    public List<Bar> bars() {
        List<Bar> all = new ArrayList<>();
        for (Lane l : lanes) all.addAll(l.bars());
        return all;
    }

    /**
     * The largest number of spans whose name starts with {@code prefix} that were open at the same moment,
     * over all threads: the proof that a semaphore held downloads to 3 at a time, say.
     */
    public int maxConcurrent(String prefix) {
        return maxConcurrent(b -> b.name().startsWith(prefix));
    }

    /** The largest number of spans matching {@code which} that were open at the same moment. */
    public int maxConcurrent(Predicate<Bar> which) {
        List<long[]> edges = new ArrayList<>();
        for (Bar b : bars()) {
            if (!which.test(b)) continue;
            edges.add(new long[] {b.start(), 1});
            edges.add(new long[] {b.end(), -1});
        }
        edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1])); // ends first
        int open = 0, max = 0;
        for (long[] e : edges) max = Math.max(max, open += (int) e[1]);
        return max;
    }

    /** The timeline drawn as a standalone SVG document. */
    public String svg() {
        return new TimelineSvg(this, title, duration).render();
    }

    /**
     * The timeline in words, the text alternative of the picture: the {@link #toString()} line, then the
     * threads (platform or virtual), how many spans of each name (by the name's first word, {@code "get …"},
     * where the names differ after it), and for each {@link State} how many
     * stretches the sampler saw on all lanes and their total time.
     */
    public String summary() {
        StringBuilder out = new StringBuilder(toString()).append('\n');
        out.append("threads: ");
        int named = Math.min(lanes.size(), TimelineSvg.MAX_LANES);
        for (int i = 0; i < named; i++) {
            Lane l = lanes.get(i);
            out.append(i == 0 ? "" : ", ").append(l.thread()).append(l.virtual() ? " (virtual)" : "");
        }
        if (lanes.size() > named) out.append(" and ").append(lanes.size() - named).append(" more");
        out.append('\n');
        Map<String, List<String>> kinds = new LinkedHashMap<>(); // first word -> the names of its spans
        for (Bar b : bars()) kinds.computeIfAbsent(kind(b.name()), k -> new ArrayList<>()).add(b.name());
        out.append("spans: ");
        if (kinds.isEmpty()) out.append("none");
        int k = 0;
        for (var e : kinds.entrySet()) {
            List<String> names = e.getValue();
            boolean one = names.stream().allMatch(names.getFirst()::equals);
            out.append(k++ == 0 ? "" : ", ").append(one ? names.getFirst() : e.getKey() + " …").append(": ").append(names.size());
        }
        out.append('\n').append("states sampled: ");
        int s = 0;
        for (State state : State.values()) {
            long stretches = lanes.stream().flatMap(l -> l.states().stream()).filter(i -> i.state() == state).count();
            long time = lanes.stream().mapToLong(l -> l.timeInStates().getOrDefault(state, 0L)).sum();
            out.append(s++ == 0 ? "" : "; ").append(state.label()).append(" (").append(state.pattern).append(") ")
                    .append(stretches).append(stretches == 1 ? " stretch" : " stretches");
            if (stretches > 0) out.append(", ").append(TimelineSvg.time(time)).append(" in all");
        }
        return out.toString();
    }

    /** The first word of a span's name: what {@link #summary()} counts and what picks a span's colour. */
    static String kind(String spanName) {
        return spanName.split("[ :(/]", 2)[0];
    }

    /** For the notebook: inline SVG as HTML (hover text works), SVG, and the {@link #summary()} as text. */
    public Map<String, String> mimeBundle() {
        String svg = svg();
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", svg);
        bundle.put("image/svg+xml", svg);
        bundle.put("text/plain", summary());
        return bundle;
    }

    /** Writes the SVG to {@code file}; returns the file. */
    public Path save(Path file) {
        try {
            return Files.writeString(file, svg(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Writes the SVG to the file named {@code file}. */
    public Path save(String file) {
        return save(Path.of(file));
    }

    @Override
    public String toString() {
        return String.format("Timeline%s: %d thread%s, %d span%s, %.3f s", title == null ? "" : " \"" + title + "\"",
                lanes.size(), lanes.size() == 1 ? "" : "s", bars().size(), bars().size() == 1 ? "" : "s", duration / 1e9);
    }
}
