package conclab.trace;

/**
 * A stretch of work on one thread, from {@link Trace#span} to {@link #close}: use it with
 * try-with-resources.
 *
 * <pre>{@code
 * try (var s = Trace.span("download " + url)) {
 *     page = fetch(url);
 * }
 * }</pre>
 *
 * <p>Spans nest: a span opened inside another is drawn inside it. Closing twice is harmless. Outside a
 * recording, spans cost one volatile read and record nothing.
 */
public final class Span implements AutoCloseable {
    /** The span returned when nothing is being recorded. */
    static final Span NOTHING = new Span(null, null, 0, 0);

    private final ThreadLog log;
    final String name;
    final long start;
    /** Where the timeline draws it: see {@link Timeline.Bar}. */
    final int depth;
    /** Set once, by close; guarded by the log's lock. */
    long end = -1;

    Span(ThreadLog log, String name, long start, int depth) {
        this.log = log;
        this.name = name;
        this.start = start;
        this.depth = depth;
    }

    @Override
    public void close() {
        if (log != null) log.close(this);
    }
}
