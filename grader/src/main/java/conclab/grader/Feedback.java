package conclab.grader;

import conclab.grader.Outcome.Result;
import conclab.kernel.api.Html;

/**
 * An outcome as a learner reads it: an HTML table (property, result, points, evidence) for notebooks and
 * feedback files, and the same as plain text for terminals.
 */
public final class Feedback {
    /** How much of the learner's output a feedback shows. */
    static final int OUTPUT_SHOWN = 2000;

    private Feedback() {}

    /** The headline: "safe-counter: 3 of 4 points". */
    public static String headline(Outcome o) {
        return o.exercise().name() + ": " + o.points() + " of " + o.max() + " point" + (o.max() == 1 ? "" : "s");
    }

    private static String scopeNote(Outcome o) {
        if (o.exercise().isQuiz() || o.scope() == Scope.ALL) return "";
        int hidden = o.exercise().maxPoints(Scope.ALL) - o.max();
        return hidden == 0 ? "" : " (public tests; " + hidden + " more point" + (hidden == 1 ? " is" : "s are")
                + " graded by hidden tests)";
    }

    /** The outcome as an HTML fragment. */
    public static String html(Outcome o) {
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"conclab-feedback\">");
        b.append("<p><b>").append(Html.escape(o.exercise().name())).append("</b> · ").append(Html.escape(o.exercise().title()))
                .append(": <b>").append(o.points()).append(" of ").append(o.max()).append(" point")
                .append(o.max() == 1 ? "" : "s").append("</b>").append(Html.escape(scopeNote(o))).append("</p>");
        if (o.verdict() != null) b.append("<p>").append(Html.escape(o.verdict())).append("</p>");
        if (!o.details().isEmpty()) b.append("<pre>").append(Html.escape(o.details())).append("</pre>");
        b.append("<table><thead><tr><th style=\"text-align:left\">").append(o.exercise().isQuiz() ? "Question" : "Property")
                .append("</th><th>Result</th><th>Points</th>")
                .append("<th style=\"text-align:left\">").append(o.exercise().isQuiz() ? "Why" : "Evidence")
                .append("</th></tr></thead><tbody>");
        for (Result r : o.results()) {
            b.append("<tr><td style=\"text-align:left\">").append(Html.escape(r.prop().text())).append("</td>")
                    .append("<td style=\"color:").append(color(r)).append("\">").append(label(r)).append("</td>")
                    .append("<td>").append(r.points()).append("/").append(r.prop().points()).append("</td>")
                    .append("<td style=\"text-align:left\">");
            if (!r.evidence().isEmpty()) {
                b.append("<pre style=\"white-space:pre-wrap;margin:0\">").append(Html.escape(r.evidence())).append("</pre>");
            }
            b.append("</td></tr>");
        }
        b.append("</tbody></table>");
        if (!o.output().isBlank()) {
            String out = o.output().length() > OUTPUT_SHOWN ? o.output().substring(0, OUTPUT_SHOWN) + "\n…" : o.output();
            b.append("<details><summary>What your code printed</summary><pre style=\"white-space:pre-wrap\">")
                    .append(Html.escape(out)).append("</pre></details>");
        }
        return b.append("</div>").toString();
    }

    /** The outcome as plain text. */
    public static String text(Outcome o) {
        StringBuilder b = new StringBuilder(headline(o)).append(scopeNote(o)).append('\n');
        if (o.verdict() != null) b.append(o.verdict()).append('\n');
        if (!o.details().isEmpty()) b.append(o.details().indent(2));
        for (Result r : o.results()) {
            b.append(String.format("  %-9s %d/%d  %s%n", label(r), r.points(), r.prop().points(), r.prop().text()));
            if (!r.evidence().isEmpty()) b.append(r.evidence().indent(14));
        }
        return b.toString();
    }

    private static String label(Result r) {
        return switch (r.status()) {
            case PASSED -> "✔ passed";
            case FAILED -> "✘ failed";
            case NOT_DONE -> "not done";
            case NOT_RUN -> "not run";
        };
    }

    private static String color(Result r) {
        return switch (r.status()) {
            case PASSED -> "#1a7f37";
            case FAILED -> "#c62828";
            case NOT_DONE, NOT_RUN -> "#6e7781";
        };
    }
}
