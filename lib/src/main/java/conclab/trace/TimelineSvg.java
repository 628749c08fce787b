package conclab.trace;

import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link Timeline} as SVG: a time axis on top, one lane per thread (its name on the left, a
 * {@code v} mark for a virtual thread), the thread's states as a thin band, coloured and patterned by state
 * (the pattern tells the states apart without colour: {@link State#pattern}), its spans as labelled bars
 * above the band (nested spans thinner), events as small diamonds, and a legend showing each state's colour
 * and pattern. Every shape has a {@code <title>}: the hover text. The picture as a whole has a
 * {@code <title>} and a {@code <desc>} (the timeline's {@link Timeline#summary()}), named by
 * {@code aria-labelledby}: its text alternative.
 *
 * <p>Built to stay readable at 50 threads and thousands of spans: labels only go where they fit, and past
 * {@link #MAX_LANES} lanes the rest are summarised in a line.
 */
final class TimelineSvg {
    static final int WIDTH = 980, LEFT = 180, RIGHT = 20, TOP = 44, LANE = 24, MAX_LANES = 60;
    private static final String[] PALETTE = {"#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B",
            "#E377C2", "#17BECF"};

    private final Timeline timeline;
    private final String title;
    private final long duration;
    private final StringBuilder svg = new StringBuilder();
    private final double scale;
    /** Prefix of this picture's element ids; from its content, so the same timeline draws the same SVG. */
    private final String id;

    TimelineSvg(Timeline timeline, String title, long duration) {
        this.timeline = timeline;
        this.title = title;
        this.duration = duration;
        this.scale = (double) (WIDTH - LEFT - RIGHT) / duration;
        this.id = "tl" + Integer.toHexString(timeline.summary().hashCode() ^ Long.hashCode(duration));
    }

    String render() {
        List<Timeline.Lane> lanes = timeline.lanes();
        int shown = Math.min(lanes.size(), MAX_LANES);
        int top = title == null ? TOP - 16 : TOP;
        int height = top + shown * LANE + (lanes.size() > shown ? 20 : 0) + 42;
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"11\" role=\"img\" aria-labelledby=\"")
                .append(id).append("-title ").append(id).append("-desc\">");
        String name = title != null ? title : "Timeline of " + lanes.size() + (lanes.size() == 1 ? " thread" : " threads");
        svg.append("<title id=\"").append(id).append("-title\">").append(escape(name)).append("</title>");
        svg.append("<desc id=\"").append(id).append("-desc\">").append(escape(timeline.summary())).append("</desc>");
        patterns();
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>");
        if (title != null) {
            svg.append("<text x=\"").append(LEFT).append("\" y=\"16\" font-size=\"14\" font-weight=\"bold\">")
                    .append(escape(title)).append("</text>");
        }
        axis(top, shown);
        for (int i = 0; i < shown; i++) lane(lanes.get(i), top + i * LANE);
        int y = top + shown * LANE;
        if (lanes.size() > shown) {
            svg.append("<text x=\"").append(LEFT).append("\" y=\"").append(y + 14).append("\" fill=\"#555555\">and ")
                    .append(lanes.size() - shown).append(" more threads, not drawn</text>");
            y += 20;
        }
        legend(y + 16);
        return svg.append("</svg>").toString();
    }

    private void axis(int top, int lanes) {
        double[] unit = unit();
        double step = niceStep(duration / unit[0] / 8);
        int bottom = top + lanes * LANE;
        for (double t = 0; t <= duration / unit[0] + 1e-9; t += step) {
            double x = LEFT + t * unit[0] * scale;
            svg.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(top - 6).append("\" x2=\"").append(f(x))
                    .append("\" y2=\"").append(bottom).append("\" stroke=\"#E4E7EB\"/>");
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(top - 9)
                    .append("\" text-anchor=\"middle\" fill=\"#555555\">").append(number(t)).append(' ')
                    .append(unit[1] == 1 ? "s" : unit[1] == 2 ? "ms" : "µs").append("</text>");
        }
    }

    /** {nanoseconds per axis unit, 1 = s, 2 = ms, 3 = µs}. */
    private double[] unit() {
        if (duration >= 2_000_000_000L) return new double[] {1e9, 1};
        if (duration >= 2_000_000L) return new double[] {1e6, 2};
        return new double[] {1e3, 3};
    }

    static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
        double n = raw / magnitude;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
    }

    private void lane(Timeline.Lane lane, int y) {
        String name = lane.thread().length() > 24 ? lane.thread().substring(0, 23) + "…" : lane.thread();
        svg.append("<g class=\"lane\"><title>").append(escape(lane.thread())).append(lane.virtual() ? " (virtual thread)" : " (platform thread)")
                .append(", id ").append(lane.threadId()).append("</title>");
        svg.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(y + 14).append("\" text-anchor=\"end\">")
                .append(escape(name)).append("</text>");
        if (lane.virtual()) {
            svg.append("<text x=\"6\" y=\"").append(y + 14).append("\" fill=\"#2E8B57\" font-weight=\"bold\">v</text>");
        }
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y + LANE - 1).append("\" x2=\"")
                .append(WIDTH - RIGHT).append("\" y2=\"").append(y + LANE - 1).append("\" stroke=\"#F0F2F5\"/>");
        for (Timeline.Interval s : lane.states()) {
            svg.append("<rect class=\"state\" data-state=\"").append(s.state().label()).append("\" x=\"")
                    .append(f(x(s.start()))).append("\" y=\"").append(y + 15).append("\" width=\"")
                    .append(f(width(s.start(), s.end()))).append("\" height=\"7\" ").append(fill(s.state()))
                    .append("><title>").append(s.state().label()).append(" (").append(s.state().pattern).append("), ")
                    .append(time(s.start())).append("–").append(time(s.end())).append("</title></rect>");
        }
        for (Timeline.Bar b : lane.bars()) {
            int depth = Math.min(b.depth(), 3);
            double x = x(b.start()), w = width(b.start(), b.end());
            int h = 13 - 2 * depth, top = y + 1 + depth * 2;
            String color = color(b.name());
            svg.append("<rect class=\"span\" x=\"").append(f(x)).append("\" y=\"").append(top).append("\" width=\"")
                    .append(f(w)).append("\" height=\"").append(h).append("\" rx=\"2\" fill=\"").append(color)
                    .append("\" fill-opacity=\"").append(depth == 0 ? "0.85" : "0.6").append("\"><title>")
                    .append(escape(b.name())).append(" · ").append(escape(lane.thread())).append(" · ")
                    .append(time(b.start())).append("–").append(time(b.end())).append(" (")
                    .append(time(b.end() - b.start())).append(")</title></rect>");
            int chars = (int) ((w - 4) / 6.2);
            if (depth == 0 && chars >= 4) {
                String label = b.name().length() > chars ? b.name().substring(0, chars - 1) + "…" : b.name();
                svg.append("<text x=\"").append(f(x + 3)).append("\" y=\"").append(top + 10)
                        .append("\" fill=\"#FFFFFF\" font-size=\"10\" pointer-events=\"none\">").append(escape(label)).append("</text>");
            }
        }
        for (Timeline.Event e : lane.events()) {
            double x = x(e.time());
            svg.append("<path class=\"event\" d=\"M").append(f(x)).append(' ').append(y + 9).append(" l4 4 l-4 4 l-4 -4 z\" fill=\"#222222\"><title>")
                    .append(escape(e.name())).append(" · ").append(time(e.time())).append("</title></path>");
        }
        svg.append("</g>");
    }

    private void legend(int y) {
        int x = LEFT;
        for (State s : State.values()) {
            svg.append("<rect class=\"legend\" data-state=\"").append(s.label()).append("\" x=\"").append(x)
                    .append("\" y=\"").append(y - 9).append("\" width=\"16\" height=\"8\" ").append(fill(s))
                    .append("/><text x=\"").append(x + 20).append("\" y=\"").append(y).append("\">")
                    .append(s.label()).append("</text>");
            x += 32 + 7 * s.label().length();
        }
        svg.append("<text x=\"").append(x + 8).append("\" y=\"").append(y)
                .append("\" fill=\"#555555\">bars: spans · ◆ events · v: virtual thread</text>");
    }

    /** The fill and outline of a state's shapes: its pattern, drawn in its colour. */
    private String fill(State s) {
        return "fill=\"url(#" + patternId(s) + ")\" stroke=\"" + s.color + "\" stroke-width=\"0.6\"";
    }

    String patternId(State s) {
        return id + "-" + s.name().toLowerCase(Locale.ROOT);
    }

    /**
     * One {@code <pattern>} per state, each a different shape on white (solid, vertical stripes, diagonal
     * hatching, dots, dashes), so the states differ in a grey print too.
     */
    private void patterns() {
        svg.append("<defs>");
        for (State s : State.values()) {
            String c = s.color;
            String shape = switch (s) {
                case RUNNING -> tile(4, 4, null, "<rect width=\"4\" height=\"4\" fill=\"" + c + "\"/>");
                case IO -> tile(4, 4, null, "<rect width=\"2\" height=\"4\" fill=\"" + c + "\"/>");
                case BLOCKED -> tile(4, 4, "rotate(45)", "<rect width=\"2\" height=\"4\" fill=\"" + c + "\"/>");
                case WAITING -> tile(4, 4, null, "<circle cx=\"2\" cy=\"2\" r=\"1.2\" fill=\"" + c + "\"/>");
                case SLEEPING -> tile(6, 4, null, "<rect y=\"1\" width=\"4\" height=\"2\" fill=\"" + c + "\"/>");
            };
            svg.append("<pattern id=\"").append(patternId(s)).append("\" class=\"").append(s.pattern)
                    .append("\" patternUnits=\"userSpaceOnUse\" ").append(shape).append("</pattern>");
        }
        svg.append("</defs>");
    }

    private static String tile(int w, int h, String transform, String shape) {
        return "width=\"" + w + "\" height=\"" + h + "\"" + (transform == null ? "" : " patternTransform=\"" + transform + "\"")
                + "><rect width=\"" + w + "\" height=\"" + h + "\" fill=\"#FFFFFF\"/>" + shape;
    }

    private double x(long t) {
        return LEFT + Math.max(0, Math.min(duration, t)) * scale;
    }

    private double width(long start, long end) {
        return Math.max(1, (Math.min(end, duration) - Math.max(0, start)) * scale);
    }

    private String color(String name) {
        String kind = Timeline.kind(name);
        return PALETTE[Math.floorMod(kind.hashCode(), PALETTE.length)];
    }

    /** A time for hover text, in the unit that reads best. */
    static String time(long nanos) {
        if (Math.abs(nanos) >= 1_000_000_000L) return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
        if (Math.abs(nanos) >= 1_000_000L) return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Text for SVG: the lib depends on nothing of the kernel, so it does not use the kernel API's Html. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
