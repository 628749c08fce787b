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

    // Each query returns the reply's history rows: [session, line, input], or [session, line, [input, output]]
    // when output is asked for.

    /** The latest {@code n} cells (none if {@code n} is 0 or less). */
    synchronized List<List<Object>> tail(int n, boolean output) {
        return rows(latest(entries, n), output);
    }

    /**
     * The cells with lines (execution counts) from {@code start}, inclusive, to {@code stop}, exclusive (0 or less:
     * to the end), of {@code session}: 0 (or {@link #SESSION}) is this one; any other has nothing.
     */
    synchronized List<List<Object>> range(int session, int start, int stop, boolean output) {
        return rows(session == 0 || session == SESSION ? range(start, stop) : List.of(), output);
    }

    /**
     * The latest {@code n} cells (all if {@code n} is 0 or less) whose whole input matches the glob {@code pattern}
     * ({@code *} any text, {@code ?} one character); with {@code unique}, each input once, at its latest line.
     */
    synchronized List<List<Object>> search(String pattern, boolean unique, int n, boolean output) {
        return rows(latest(search(pattern, unique), n <= 0 ? Integer.MAX_VALUE : n), output);
    }

    private static List<List<Object>> rows(List<Entry> found, boolean output) {
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
