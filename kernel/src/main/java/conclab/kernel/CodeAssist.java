package conclab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import org.dflib.jjava.jupyter.messages.request.CompleteRequest;
import org.dflib.jjava.jupyter.messages.request.InspectRequest;
import org.dflib.jjava.jupyter.messages.request.IsCompleteRequest;

/**
 * Completion (Tab), inspection (Shift-Tab) and {@code is_complete}: the replies to those requests, from JShell's
 * source analysis in the kernel JVM. The engine is not involved, so they are answered while a cell runs.
 *
 * <p>Runs on the shell thread only, like the {@link Session} it reads. Positions in requests and replies are
 * in code points (the protocol's), converted to and from Java's chars with {@link Text}. A session that is not
 * ready within its wait, or dead, gives an empty answer, never a hang or an error.
 */
final class CodeAssist {
    /** {@code is_complete} verdicts other than "incomplete" (which comes with an indent). */
    static final String COMPLETE = "complete", INVALID = "invalid", UNKNOWN = "unknown";

    private final Supplier<Session> readySession;
    private final MagicTable magics;

    /** {@code readySession} gives the live session, or null when there is none ready. */
    CodeAssist(Supplier<Session> readySession, MagicTable magics) {
        this.readySession = readySession;
        this.magics = magics;
    }

    /** What replaces the text from {@code start} to {@code end} (char indexes): one of {@code matches}. */
    record Completions(List<String> matches, int start, int end) {}

    Map<String, Object> completeReply(CompleteRequest request) {
        String code = request.getCode();
        int cursor = Text.charIndex(code, request.getCursorPos());
        Completions c = complete(code, cursor);
        return Messages.map("status", "ok", "matches", c.matches(),
                "cursor_start", Text.codePointIndex(code, c.start()), "cursor_end", Text.codePointIndex(code, c.end()),
                "metadata", Map.of());
    }

    /** Completions at char index {@code at}: magics' names on a line that starts with %, else JShell's. */
    Completions complete(String code, int at) {
        String line = code.substring(code.lastIndexOf('\n', Math.max(0, at - 1)) + 1, at);
        if (line.startsWith("%")) {
            return new Completions(magics.names().stream().filter(n -> n.startsWith(line)).toList(), at - line.length(), at);
        }
        Session s = readySession.get();
        if (s == null) return new Completions(List.of(), at, at);
        Text.Piece piece = Text.pieceAt(code, at, s.analysis());
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                s.analysis().completionSuggestions(piece.text(), at - piece.start(), anchor);
        List<String> matches = new ArrayList<>();  // those that fit the expected type first
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(x -> matches.add(x.continuation()));
        suggestions.stream().filter(x -> !x.matchesType()).forEach(x -> matches.add(x.continuation()));
        return new Completions(matches.stream().distinct().toList(), piece.start() + anchor[0], at);
    }

    Map<String, Object> inspectReply(InspectRequest request) {
        String code = request.getCode();
        String text = inspect(code, Text.charIndex(code, request.getCursorPos()));
        Map<String, Object> bundle = new LinkedHashMap<>();
        if (text != null) bundle.put("text/plain", text);
        return Messages.map("status", "ok", "found", text != null, "data", bundle, "metadata", Map.of());
    }

    /** The signatures and javadoc of the call or name at char index {@code at}, or null if there are none. */
    String inspect(String code, int at) {
        Session s = readySession.get();
        if (s == null) return null;
        Text.Piece piece = Text.pieceAt(code, at, s.analysis());
        int cursor = Math.min(piece.text().length(), at - piece.start());
        // Documentation is looked up for the call or name the cursor is in or right after.
        List<SourceCodeAnalysis.Documentation> docs = s.analysis().documentation(piece.text(), cursor, true);
        if (docs.isEmpty()) {
            int end = cursor;
            while (end < piece.text().length() && Character.isJavaIdentifierPart(piece.text().charAt(end))) end++;
            if (end < piece.text().length() && piece.text().charAt(end) == '(') end++;
            docs = s.analysis().documentation(piece.text(), end, true);
            if (docs.isEmpty() && (end == 0 || piece.text().charAt(end - 1) != '(')) {
                // a method named without its call (Thread.sleep): JShell documents a call, so look at one
                String call = piece.text().substring(0, end) + "(";
                docs = s.analysis().documentation(call, call.length(), true);
            }
        }
        if (docs.isEmpty()) return null;
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            text.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) text.append('\n').append(JavadocText.plain(d.javadoc())).append("\n\n");
        }
        return text.toString().strip();
    }

    Map<String, Object> isCompleteReply(IsCompleteRequest request) {
        String verdict = isComplete(request.getCode());
        return switch (verdict) {
            case COMPLETE, INVALID, UNKNOWN -> Messages.map("status", verdict);
            default -> Messages.map("status", "incomplete", "indent", verdict);
        };
    }

    /** {@link #COMPLETE}, {@link #INVALID}, {@link #UNKNOWN}, or the indent of the next line when incomplete. */
    String isComplete(String code) {
        Session s = readySession.get();
        if (s == null) return UNKNOWN;
        for (Magics.Part part : Magics.parse(code)) {
            if (part instanceof Magics.Cell) return COMPLETE; // a cell magic takes the whole cell
            if (!(part instanceof Magics.Code c)) continue;
            String rest = c.code();
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = s.analysis().analyzeCompletion(rest);
                Completeness k = info.completeness();
                if (k == Completeness.DEFINITELY_INCOMPLETE || k == Completeness.CONSIDERED_INCOMPLETE) return "    ";
                if (k == Completeness.UNKNOWN) return INVALID;
                if (k == Completeness.EMPTY) break;
                rest = info.remaining();
            }
        }
        return COMPLETE;
    }
}
