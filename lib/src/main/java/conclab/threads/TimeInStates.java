package conclab.threads;

import conclab.trace.State;
import conclab.trace.Timeline;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A timeline's sampled states in words: for each thread, the milliseconds it spent in each {@link State}. It
 * is the text that goes with a timeline's picture, readable without its colours.
 *
 * <pre>{@code
 * System.out.print(TimeInStates.of(timeline, name -> name.startsWith("worker")));
 * // worker-0: running 2 ms, blocked 95 ms, sleeping 100 ms
 * }</pre>
 */
public final class TimeInStates {
    private TimeInStates() {}

    /**
     * Milliseconds in each state of the threads named {@code thread}, added up over every lane of that name
     * (two threads may share a name); empty if there is none.
     */
    public static Map<State, Long> millis(Timeline timeline, String thread) {
        Map<State, Long> ms = new EnumMap<>(State.class);
        for (Timeline.Lane lane : timeline.lanes()) {
            if (lane.thread().equals(thread)) lane.timeInStates().forEach((state, ns) -> ms.merge(state, ns / 1_000_000, Long::sum));
        }
        return ms;
    }

    /**
     * One line per lane whose thread's name {@code which} accepts, in the timeline's order (two threads of the
     * same name get a line each): its name, then each state it was seen in with its milliseconds, in the order
     * of {@link State} ("running 2 ms, blocked 95 ms").
     */
    public static String of(Timeline timeline, Predicate<String> which) {
        var s = new StringBuilder();
        for (Timeline.Lane lane : timeline.lanes()) {
            if (!which.test(lane.thread())) continue;
            String states = lane.timeInStates().entrySet().stream()
                    .map(e -> e.getKey().label() + " " + e.getValue() / 1_000_000 + " ms").collect(Collectors.joining(", "));
            s.append(lane.thread()).append(": ").append(states.isEmpty() ? "no state sampled" : states).append('\n');
        }
        return s.toString();
    }
}
