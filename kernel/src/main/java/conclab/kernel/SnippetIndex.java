package conclab.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Where each snippet came from, so that stack traces can name cells and lines.
 *
 * <p>Two kinds of frames need it. Exceptions that end a cell come from JShell already translated: a frame's
 * file is {@code #id} and its line counts from the snippet's first line; {@link #origin} places the
 * snippet in its cell. Exceptions that kill a thread come from the engine raw: a frame's class is the
 * snippet's wrapper class ({@code REPL.$JShell$12B$Counter}) and its line is a line of the wrapper's
 * generated source; {@link #translate} turns them into the first kind.
 *
 * <p>Threads: the shell thread records wrapper classes as they are loaded into the engine ({@link #loaded})
 * and snippets as JShell installs them ({@link #created}, JShell's id generator, called after the load);
 * it pairs them ({@link #resolve}) before every invocation, so before any code of a snippet runs; any
 * thread translates. What a translation needs (a line map) is computed when a class is resolved and kept
 * in a concurrent map.
 */
final class SnippetIndex {
    /** Cell and line of the code being evaluated; set by the shell thread before each snippet. */
    private volatile Errors.Origin current = new Errors.Origin(0, 1);
    /** Snippets by their key index (the number in their wrapper class's name); shell thread only. */
    private final Map<Integer, Snippet> byIndex = new ConcurrentHashMap<>();
    /** Origins by snippet id. */
    private final Map<String, Errors.Origin> origins = new ConcurrentHashMap<>();
    /** Resolved wrapper classes by name. */
    private final Map<String, Wrapper> wrappers = new ConcurrentHashMap<>();
    /** Wrapper classes loaded but not yet paired with their snippet; shell thread only. */
    private final java.util.Set<String> pending = new java.util.LinkedHashSet<>();

    /** A loaded wrapper class: its snippet, and the snippet line (1-based, or 0) of each wrapper line. */
    private record Wrapper(String snippetId, int[] snippetLineOf) {}

    /** The snippets evaluated from now on come from cell {@code [count]}, starting at {@code line}. */
    void evaluating(int count, int line) {
        current = new Errors.Origin(count, line);
    }

    /** JShell's id generator: records the new snippet and gives it JShell's usual id (its key index). */
    String created(Snippet snippet, int keyIndex) {
        String id = Integer.toString(keyIndex);
        byIndex.put(keyIndex, snippet);
        origins.put(id, current);
        return id;
    }

    /** Records the wrapper classes among {@code classNames}, just loaded into the engine. */
    void loaded(String[] classNames) {
        for (String name : classNames) {
            String outer = outerClass(name);
            if (outer != null && !wrappers.containsKey(outer)) pending.add(outer);
        }
    }

    /** Pairs the loaded wrapper classes with their snippets, once JShell has installed them. */
    void resolve(SourceCodeAnalysis analysis) {
        for (var it = pending.iterator(); it.hasNext(); ) {
            String outer = it.next();
            Snippet snippet = byIndex.get(keyIndex(outer));
            if (snippet == null) continue;
            SourceCodeAnalysis.SnippetWrapper w = analysis.wrapper(snippet);
            if (outer.equals(w.fullClassName())) wrappers.put(outer, new Wrapper(snippet.id(), lineMap(w)));
            it.remove(); // a class of an older version of the snippet stays untranslated
        }
    }

    Errors.Origin origin(String snippetId) {
        return origins.get(snippetId);
    }

    /** A raw frame of snippet code as JShell would translate it ({@code #id}, snippet line); others as they are. */
    StackTraceElement translate(StackTraceElement frame) {
        String cls = frame.getClassName();
        String outer = outerClass(cls);
        Wrapper w = outer == null ? null : wrappers.get(outer);
        if (w == null) return frame;
        String nested = cls.length() > outer.length() ? cls.substring(outer.length() + 1) : "";
        int raw = frame.getLineNumber();
        int line = raw > 0 && raw <= w.snippetLineOf().length ? w.snippetLineOf()[raw - 1] : 0;
        String method = frame.getMethodName().equals("do_it$") ? "" : frame.getMethodName();
        return new StackTraceElement(nested, method, "#" + w.snippetId(), Math.max(line, 1));
    }

    /** {@code REPL.$JShell$12B} of {@code REPL.$JShell$12B$Counter$Inner}; null for other classes. */
    static String outerClass(String className) {
        String prefix = "REPL.$JShell$";
        if (!className.startsWith(prefix)) return null;
        int end = className.indexOf('$', prefix.length());
        return end < 0 ? className : className.substring(0, end);
    }

    /** The key index in a wrapper class name: 12 of {@code REPL.$JShell$12B}. */
    static int keyIndex(String outerClass) {
        int i = "REPL.$JShell$".length(), j = i;
        while (j < outerClass.length() && Character.isDigit(outerClass.charAt(j))) j++;
        return j > i ? Integer.parseInt(outerClass.substring(i, j)) : -1;
    }

    /**
     * For each line of the wrapper's source, the snippet line it comes from, counted as JShell counts in
     * stack traces: from the snippet's first non-blank line, 1-based; 0 for generated lines.
     */
    private static int[] lineMap(SourceCodeAnalysis.SnippetWrapper w) {
        String wrapped = w.wrapped(), source = w.source();
        int leading = 0;
        while (leading < source.length() && Character.isWhitespace(source.charAt(leading))) leading++;
        int skipped = Session.countLines(source, leading);
        String[] lines = wrapped.split("\n", -1);
        int[] map = new int[lines.length];
        int pos = 0;
        for (int l = 0; l < lines.length; l++) {
            int firstChar = pos;
            while (firstChar < pos + lines[l].length() && Character.isWhitespace(wrapped.charAt(firstChar))) firstChar++;
            int s = firstChar < pos + lines[l].length() ? w.wrappedToSourcePosition(firstChar) : -1;
            map[l] = s < 0 ? 0 : Session.countLines(source, s) - skipped + 1;
            pos += lines[l].length() + 1;
        }
        return map;
    }
}
