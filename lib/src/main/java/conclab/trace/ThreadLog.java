package conclab.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * What one thread recorded during one trace: its spans and events, and the states the sampler saw.
 *
 * <p>The thread writes its spans and events; the sampler thread adds states; {@link Trace#stop} reads all.
 * Every method is synchronized on the log: the lock is almost never contended, so it costs little, and it
 * makes what one thread wrote visible to the others.
 */
final class ThreadLog {
    final long threadId;
    final String name;
    final boolean virtual;
    private final List<Span> spans = new ArrayList<>();
    private final List<Timeline.Event> events = new ArrayList<>();
    private final List<Timeline.Interval> states = new ArrayList<>();
    /**
     * Spans opened and not yet closed. A new span's depth is the smallest that none of them has: spans nested in
     * one another get 0, 1, 2, ...; spans that overlap without nesting (callbacks of an event loop, closed in
     * another order than opened) get different depths too, so that the timeline never draws one over another.
     */
    private final List<Span> open = new ArrayList<>();

    ThreadLog(long threadId, String name, boolean virtual) {
        this.threadId = threadId;
        this.name = name.isEmpty() ? (virtual ? "virtual #" : "thread #") + threadId : name;
        this.virtual = virtual;
    }

    ThreadLog(Thread thread) {
        this(thread.threadId(), thread.getName(), thread.isVirtual());
    }

    synchronized Span open(String name, long now) {
        int depth = 0;
        while (depthTaken(depth)) depth++;
        Span s = new Span(this, name, now, depth);
        spans.add(s);
        open.add(s);
        return s;
    }

    private boolean depthTaken(int depth) {
        for (Span s : open) if (s.depth == depth) return true;
        return false;
    }

    synchronized void close(Span span) {
        if (span.end >= 0) return;
        span.end = System.nanoTime();
        open.remove(span);
    }

    synchronized void event(String name, long now) {
        events.add(new Timeline.Event(name, now));
    }

    /**
     * Records that the thread was in {@code state} at {@code now}; extends the last interval if unchanged. A new
     * state starts where the last interval ended (the previous sample), or, for the thread's first, at
     * {@code since} (the sampler's previous sample), so that no interval has zero length.
     */
    synchronized void sampled(State state, long now, long since) {
        int n = states.size();
        if (n > 0 && states.get(n - 1).state() == state) {
            Timeline.Interval last = states.get(n - 1);
            states.set(n - 1, new Timeline.Interval(state, last.start(), now));
        } else {
            long start = n > 0 ? states.get(n - 1).end() : since;
            states.add(new Timeline.Interval(state, start, now));
        }
    }

    synchronized boolean isEmpty() {
        return spans.isEmpty() && events.isEmpty() && states.isEmpty();
    }

    /** This log as a timeline lane, with times relative to {@code origin}; open spans end at {@code end}. */
    synchronized Timeline.Lane lane(long origin, long end) {
        List<Timeline.Bar> bars = new ArrayList<>(spans.size());
        for (Span s : spans) bars.add(new Timeline.Bar(s.name, s.start - origin, (s.end < 0 ? end : s.end) - origin, s.depth));
        List<Timeline.Event> evs = new ArrayList<>(events.size());
        for (Timeline.Event e : events) evs.add(new Timeline.Event(e.name(), e.time() - origin));
        List<Timeline.Interval> st = new ArrayList<>(states.size());
        for (Timeline.Interval i : states) st.add(new Timeline.Interval(i.state(), i.start() - origin, i.end() - origin));
        return new Timeline.Lane(name, threadId, virtual, bars, evs, st);
    }
}
