package conclab.chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A chart of measurements (speedup against threads, latency against connections, memory per thread), drawn
 * by XChart: the value of a notebook cell, or {@link #save}d to an SVG file.
 *
 * <pre>{@code
 * Chart.line("Speedup of fib(30)", "threads", "speedup")
 *      .series("measured", List.of(1, 2, 4), List.of(1.0, 1.9, 2.0))
 *      .series("ideal", List.of(1, 2, 4), List.of(1, 2, 4))
 * }</pre>
 *
 * <p>A chart collects its series and draws itself when shown; it is not thread-safe (build it on one
 * thread). Bars have categories on the x axis; lines have numbers.
 */
public final class Chart {
    private enum Kind { LINE, BARS }

    private record Series(String name, List<?> xs, List<? extends Number> ys) {}

    /** The most series whose legend is drawn inside the plot. */
    static final int LEGEND_INSIDE_MAX = 4;

    private final Kind kind;
    private final String title, xLabel, yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX, logY;

    private Chart(Kind kind, String title, String xLabel, String yLabel) {
        this.kind = kind;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** A chart of lines through points: x and y are numbers. */
    public static Chart line(String title, String xLabel, String yLabel) {
        return new Chart(Kind.LINE, title, xLabel, yLabel);
    }

    /** A bar chart: x are categories (names), y are numbers. */
    public static Chart bars(String title, String xLabel, String yLabel) {
        return new Chart(Kind.BARS, title, xLabel, yLabel);
    }

    /** Adds a series; for a bar chart {@code xs} are the category names. Returns this chart. */
    public Chart series(String name, List<?> xs, List<? extends Number> ys) {
        if (xs.size() != ys.size()) {
            throw new IllegalArgumentException("series " + name + ": " + xs.size() + " x values but " + ys.size() + " y values");
        }
        if (xs.isEmpty()) throw new IllegalArgumentException("series " + name + " has no points");
        series.add(new Series(name, List.copyOf(xs), List.copyOf(ys)));
        return this;
    }

    /** Adds a series of points given as arrays. */
    public Chart series(String name, double[] xs, double[] ys) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (double v : xs) x.add(v);
        for (double v : ys) y.add(v);
        return series(name, x, y);
    }

    /** Logarithmic x axis (for 100, 1,000, 10,000 connections, say). */
    public Chart logX() {
        logX = true;
        return this;
    }

    /** Logarithmic y axis (for bars, starting at the power of ten below the smallest bar). */
    public Chart logY() {
        logY = true;
        return this;
    }

    /**
     * The chart as an SVG document. Its text is drawn as glyph outlines, so the document carries its text alternative
     * itself: a {@code <title>} (the chart's title) and a {@code <desc>} (its data, {@link #toString}), named by the root's
     * {@code aria-labelledby}, as a timeline's does.
     */
    public String svg() {
        if (series.isEmpty()) throw new IllegalStateException("chart \"" + title + "\" has no series: add one with series(...)");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(build(), out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            // Without the DOCTYPE: it names an external DTD, which XML tools would try to download.
            return labelled(out.toString(StandardCharsets.UTF_8).replaceFirst("<!DOCTYPE[^>]*>\\s*", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code svg} with role, aria-labelledby, title and desc on its root element. */
    private String labelled(String svg) {
        Matcher root = Pattern.compile("<svg\\b[^>]*?(/?)>").matcher(svg);
        if (!root.find() || !root.group(1).isEmpty()) throw new IllegalStateException("no <svg> root element with content in " + svg);
        // the data identify the chart: two charts on one page get ids of their own unless they are the same chart
        String id = "chart" + Integer.toHexString(toString().hashCode());
        String tag = svg.substring(root.start(), root.end() - 1) + " role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\">";
        return svg.substring(0, root.start()) + tag + "<title id=\"" + id + "-title\">" + escape(title) + "</title><desc id=\""
                + id + "-desc\">" + escape(toString()) + "</desc>" + svg.substring(root.end());
    }

    /** Text for SVG (the lib depends on nothing of the kernel's). */
    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** For the notebook: the SVG (inline as HTML, and as an image) and the data as text. */
    public Map<String, String> mimeBundle() {
        String svg = svg();
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", svg.replaceFirst("^<\\?xml[^>]*\\?>\\s*", "")); // inline in the page
        bundle.put("image/svg+xml", svg);
        bundle.put("text/plain", toString());
        return bundle;
    }

    /** Writes the SVG to {@code file}; returns it. */
    public Path save(Path file) {
        try {
            return Files.writeString(file, svg(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public Path save(String file) {
        return save(Path.of(file));
    }

    /** The data, one line per series: what a reader without pictures (or a test) sees. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(title).append(" (").append(xLabel).append(" → ").append(yLabel).append(')');
        for (Series s : series) {
            b.append("\n  ").append(s.name()).append(':');
            for (int i = 0; i < s.xs().size(); i++) {
                b.append(' ').append(s.xs().get(i)).append('=').append(format(s.ys().get(i)));
            }
        }
        return b.toString();
    }

    /**
     * A value in the text form: whole numbers and numbers of 100 or more as whole numbers, others to 3 significant
     * figures. Never in exponent form above 0.0001, so that the values of one series read alike (38012 beside 39706,
     * not 3.80e+04 beside 39706).
     */
    private static String format(Number n) {
        double v = n.doubleValue();
        if (Double.isNaN(v) || Double.isInfinite(v)) return String.valueOf(v);
        if (v == Math.rint(v) || Math.abs(v) >= 100) {
            return new java.math.BigDecimal(v).setScale(0, java.math.RoundingMode.HALF_UP).toPlainString();
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private org.knowm.xchart.internal.chartpart.Chart<?, ?> build() {
        if (kind == Kind.BARS) {
            CategoryChart c = new CategoryChartBuilder().width(720).height(400).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
            style(c.getStyler(), legendPosition());
            c.getStyler().setYAxisLogarithmic(logY);
            if (logY) c.getStyler().setYAxisMin(powerOfTenBelowSmallest()); // bars start at 0, which a log axis lacks
            for (Series s : series) {
                List<String> names = new ArrayList<>();
                for (Object x : s.xs()) names.add(String.valueOf(x));
                c.addSeries(s.name(), names, new ArrayList<Number>(s.ys()));
            }
            return c;
        }
        XYChart c = new XYChartBuilder().width(720).height(400).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(c.getStyler(), legendPosition());
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            List<Number> xs = new ArrayList<>();
            for (Object x : s.xs()) {
                if (!(x instanceof Number n)) throw new IllegalArgumentException("a line chart needs numbers on x; " + x + " is not");
                xs.add(n);
            }
            // Each line its own marker and dash as well as its colour, so that the chart reads in grey too.
            c.addSeries(s.name(), xs, new ArrayList<Number>(s.ys()))
                    .setMarker(MARKERS[i % MARKERS.length]).setLineStyle(LINES[i % LINES.length]);
        }
        return c;
    }

    /** The lines' markers, in the order of the series: with {@link #LINES}, a line is told apart without its colour. */
    private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE,
            SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN};
    /** The lines' strokes, in the order of the series. */
    private static final java.awt.BasicStroke[] LINES = {org.knowm.xchart.style.lines.SeriesLines.SOLID,
            org.knowm.xchart.style.lines.SeriesLines.DASH_DASH, org.knowm.xchart.style.lines.SeriesLines.DOT_DOT,
            org.knowm.xchart.style.lines.SeriesLines.DASH_DOT};

    /** The largest power of ten not above the smallest positive y value (1 if there is none). */
    private double powerOfTenBelowSmallest() {
        double min = series.stream().flatMap(s -> s.ys().stream()).mapToDouble(Number::doubleValue)
                .filter(v -> v > 0).min().orElse(1);
        return Math.pow(10, Math.floor(Math.log10(min)));
    }

    /**
     * Where the legend goes: inside the plot's top left corner, or right of the plot once there are more series than
     * {@link #LEGEND_INSIDE_MAX}, whose legend inside would cover the points near that corner.
     */
    Styler.LegendPosition legendPosition() {
        return series.size() > LEGEND_INSIDE_MAX ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.InsideNW;
    }

    private static void style(Styler styler, Styler.LegendPosition legend) {
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setPlotBackgroundColor(java.awt.Color.WHITE);
        styler.setLegendPosition(legend);
        styler.setSeriesColors(new java.awt.Color[] {new java.awt.Color(0x1F77B4), new java.awt.Color(0xFF7F0E),
                new java.awt.Color(0x2CA02C), new java.awt.Color(0xD62728), new java.awt.Color(0x9467BD)});
    }
}
