package conclab.kernel;

import conclab.kernel.api.Html;
import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicError;
import conclab.kernel.engine.Control;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code %threads} and {@code %deadlocks}: what the learner's threads are doing, as tables and sentences.
 *
 * <p>The engine sends rows of plain values (see its {@code ThreadReports}); this class names cells
 * ({@code [3]}, the execution count a learner sees) and places stack frames in cells and lines.
 */
final class ThreadMagics {
    private final Kernel kernel;

    ThreadMagics(Kernel kernel) {
        this.kernel = kernel;
    }

    /** {@code %threads}, {@code %threads stop}, {@code %threads notice on|off}. */
    Session.Result threads(MagicContext ctx, List<String> args) throws MagicError {
        Session session = BuiltinMagics.session(kernel);
        if (args.isEmpty()) {
            show(ctx, session);
            return Session.Result.NOTHING;
        }
        switch (String.join(" ", args)) {
            case "stop" -> {
                List<String> survivors = session.stopAll(CellContext.of(ctx).run.id);
                if (survivors.isEmpty()) {
                    ctx.print("Every thread started by earlier cells has ended.\n");
                } else {
                    session.kill(survivors.size() + " thread" + (survivors.size() == 1 ? "" : "s") + " did not stop ("
                            + String.join(", ", survivors.subList(0, Math.min(6, survivors.size())))
                            + "), probably blocked on a lock, so the engine JVM was restarted.");
                }
            }
            case "notice on", "notice off" -> {
                kernel.sessions().threadNotice(args.get(1).equals("on"));
                ctx.print("A cell that ends while its threads still run " + (kernel.sessions().threadNotice() ? "says so." : "no longer says so.") + "\n");
            }
            default -> throw new MagicError("%threads " + String.join(" ", args) + ": unknown",
                    "Write %threads (list them), %threads stop (stop them), or %threads notice on|off.");
        }
        return Session.Result.NOTHING;
    }

    private void show(MagicContext ctx, Session session) {
        List<Control.ThreadRow> rows = session.threads();
        if (rows.isEmpty()) {
            ctx.print("No thread started by a cell is alive.\n");
            return;
        }
        List<String[]> table = new ArrayList<>();
        for (Control.ThreadRow r : rows) {
            table.add(new String[] {cellName(r.cell()), r.name(), r.virtual() ? "virtual" : "platform",
                    r.state(), r.waitingFor(), where(session, r.stack())});
        }
        String[] header = {"cell", "thread", "kind", "state", "waiting for", "where"};
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", html(rows.size() + " live thread" + (rows.size() == 1 ? "" : "s") + " started by cells", header, table));
        bundle.put("text/plain", plain(header, table));
        ctx.display(bundle);
    }

    /** {@code %deadlocks}: the cycle of platform threads that wait for each other's locks, if any. */
    Session.Result deadlocks(MagicContext ctx) throws MagicError {
        Session session = BuiltinMagics.session(kernel);
        List<Control.DeadlockRow> rows = session.deadlocks();
        if (rows.isEmpty()) {
            ctx.print("No deadlock: no two platform threads wait for each other's locks."
                    + " (Deadlocks among virtual threads are not detected.)\n");
            return Session.Result.NOTHING;
        }
        Map<Long, Control.DeadlockRow> byId = new HashMap<>();
        for (Control.DeadlockRow r : rows) byId.put(r.id(), r);
        StringBuilder text = new StringBuilder();
        List<Long> seen = new ArrayList<>();
        boolean monitors = false;
        for (Control.DeadlockRow start : rows) {
            if (seen.contains(start.id())) continue;
            List<Control.DeadlockRow> cycle = new ArrayList<>();
            for (Control.DeadlockRow r = start; r != null && !seen.contains(r.id()); r = byId.get(r.ownerId())) {
                seen.add(r.id());
                cycle.add(r);
            }
            text.append("Deadlock: ").append(cycle.size()).append(" threads wait for each other, and none can go on.\n");
            for (Control.DeadlockRow r : cycle) {
                monitors |= !isLockObject(r.lock());
                text.append("  ").append(r.name()).append(cellSuffix(r.cell())).append(" waits for ")
                        .append(r.lock()).append(", held by ").append(r.ownerName())
                        .append("\n      at ").append(where(session, r.stack())).append('\n');
            }
        }
        text.append("Each holds a lock that the next one needs. ").append(monitors
                ? "A thread blocked on synchronized cannot be interrupted: %threads stop (or stopping the cell) restarts"
                  + " the engine."
                : "%threads stop interrupts them: a thread in lockInterruptibly() or tryLock(timeout) gives up; one in lock()"
                  + " cannot, and then the engine is restarted.")
                .append(" To prevent it, take the locks in one global order, or use tryLock with a timeout.\n");
        ctx.print(text.toString());
        return Session.Result.NOTHING;
    }

    /** Whether a lock name is one of java.util.concurrent's locks (else it is an object's monitor). */
    private static boolean isLockObject(String lock) {
        return lock.startsWith("ReentrantLock") || lock.startsWith("ReentrantReadWriteLock") || lock.startsWith("StampedLock");
    }

    /** Where a thread is: its innermost frame of cell code, else its innermost frame. */
    static String where(Session session, StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            StackTraceElement t = session.translate(f);
            if (t.getFileName() != null && t.getFileName().startsWith("#")) {
                return Errors.describe(t, session::origin).replaceAll("\u001b\\[[0-9;]*m", "");
            }
        }
        for (StackTraceElement f : stack) if (!Errors.isPlumbing(f.getClassName())) return f.toString();
        return "";
    }

    private String cellName(long cell) {
        String s = kernel.outputs().describeCell(cell);
        return s.isEmpty() ? "" : s.substring(s.indexOf('['), s.indexOf(']') + 1);
    }

    private String cellSuffix(long cell) {
        return kernel.outputs().describeCell(cell);
    }

    static String plain(String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) width[i] = header[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder b = new StringBuilder();
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + (width[i] + 2) + "s", r[i]));
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String html(String caption, String[] header, List<String[]> rows) {
        StringBuilder b = new StringBuilder("<table><caption style='text-align:left'>").append(Html.escape(caption)).append("</caption><tr>");
        for (String h : header) b.append("<th style='text-align:left'>").append(Html.escape(h)).append("</th>");
        b.append("</tr>");
        for (String[] r : rows) {
            b.append("<tr>");
            for (String c : r) b.append("<td style='text-align:left'>").append(Html.escape(c)).append("</td>");
            b.append("</tr>");
        }
        return b.append("</table>").toString();
    }
}
