package conclab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cells this kernel ran, for {@code history_request} (Jupyter messaging protocol): each input stored with
 * its execution count, and its {@code text/plain} result if it had one.
 *
 * <p>A kernel process is one session, numbered {@link #SESSION}; a request for session 0 or for a negative
 * (earlier) session than this one gets this session or nothing. History is not kept across kernel restarts:
 * a new kernel process starts with none.
 *
 * <p>Thread safety: the shell thread records and answers; every method is synchronized anyway, so that a
 * reader on another thread sees whole entries.
 */
final class History {
    /** The number of this kernel's one session. */
    static final int SESSION = 1;

    /** One executed cell. */
    record Entry(int line, String input, String output) {}

    /** In execution order; guarded by this. */
    private final List<Entry> entries = new ArrayList<>();

    /** Records a cell that stored history: its execution count, its code, its text result (or null). */
    synchronized void add(int line, String input, String output) {
        entries.add(new Entry(line, input, output));
    }

    /**
     * The reply's {@code history} list for a request: {@code [session, line, input]} rows, or
     * {@code [session, line, [input, output]]} when {@code output} is asked for.
     *
     * @param access  {@code "tail"}, {@code "range"} or {@code "search"}
     * @param session for a range: 0 (or {@link #SESSION}) is this session; any other has nothing
     * @param start   for a range: the first line (execution count), inclusive
     * @param stop    for a range: the line after the last; 0 or less means to the end
     * @param n       for tail and search: how many, the latest ones (0 or less: all for search)
     * @param pattern for a search: a glob ({@code *} any text, {@code ?} one character) matched against the whole input
     * @param unique  for a search: each input once, at its latest line
     */
    synchronized List<List<Object>> find(String access, boolean output, int session, int start, int stop, int n,
                                         String pattern, boolean unique) {
        List<Entry> found = switch (access == null ? "" : access) {
            case "tail" -> latest(entries, n);
            case "range" -> session == 0 || session == SESSION ? range(start, stop) : List.of();
            case "search" -> latest(search(pattern, unique), n <= 0 ? Integer.MAX_VALUE : n);
            default -> List.of();
        };
        List<List<Object>> rows = new ArrayList<>();
        for (Entry e : found) {
            Object input = output ? List.of(e.input(), e.output() == null ? "" : e.output()) : e.input();
            rows.add(List.of(SESSION, e.line(), input));
        }
        return rows;
    }

    private List<Entry> range(int start, int stop) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) if (e.line() >= start && (stop <= 0 || e.line() < stop)) out.add(e);
        return out;
    }

    private List<Entry> search(String pattern, boolean unique) {
        Pattern glob = glob(pattern == null || pattern.isEmpty() ? "*" : pattern);
        List<Entry> matches = new ArrayList<>();
        for (Entry e : entries) if (glob.matcher(e.input()).matches()) matches.add(e);
        if (!unique) return matches;
        Map<String, Entry> latestByInput = new LinkedHashMap<>();
        for (Entry e : matches) {
            latestByInput.remove(e.input()); // re-inserted: the order is that of each input's latest line
            latestByInput.put(e.input(), e);
        }
        return new ArrayList<>(latestByInput.values());
    }

    private static List<Entry> latest(List<Entry> list, int n) {
        if (n <= 0) return List.of();
        return new ArrayList<>(list.subList(Math.max(0, list.size() - n), list.size()));
    }

    /** A glob as a regular expression over the whole text, newlines included. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
