package conclab.kernel;

import jdk.jshell.SourceCodeAnalysis;

/** Positions in cell text: Jupyter counts code points, Java strings count UTF-16 chars. */
final class Text {
    private Text() {}

    /** The char index of code point {@code cursor} in {@code s} (clamped to the text). */
    static int charIndex(String s, int cursor) {
        int points = s.codePointCount(0, s.length());
        return s.offsetByCodePoints(0, Math.max(0, Math.min(cursor, points)));
    }

    /** The code point index of char {@code index} in {@code s}. */
    static int codePointIndex(String s, int index) {
        return s.codePointCount(0, Math.max(0, Math.min(index, s.length())));
    }

    /** One snippet of a cell and where it starts in the cell. */
    record Piece(String text, int start) {}

    /**
     * The snippet of {@code code} that contains char {@code at}: what completion and inspection look at.
     * Magic lines are blanked first, so they do not confuse the Java analysis.
     */
    static Piece pieceAt(String code, int at, SourceCodeAnalysis analysis) {
        String rest = blankMagicLines(code);
        int offset = 0;
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            String remaining = info.remaining();
            if (!info.completeness().isComplete() || remaining.isBlank()) return new Piece(rest, offset);
            int consumed = rest.length() - remaining.length();
            if (offset + consumed >= at) return new Piece(rest.substring(0, consumed), offset);
            offset += consumed;
            rest = remaining;
        }
    }

    /** {@code code} with every magic line replaced by spaces (so offsets do not move). */
    static String blankMagicLines(String code) {
        StringBuilder b = new StringBuilder(code.length());
        for (String line : code.split("\n", -1)) {
            if (b.length() > 0) b.append('\n');
            b.append(line.startsWith("%") ? " ".repeat(line.length()) : line);
        }
        return b.toString();
    }
}
