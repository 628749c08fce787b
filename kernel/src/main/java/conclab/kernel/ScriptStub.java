package conclab.kernel;

import java.util.Set;

/**
 * The stand-ins an exported script defines for what only the conclab kernel gives cells (see
 * {@link JshellScript}). Their code is jshell snippets: members of one class, {@code NotebookStub}, that the
 * script declares with the members it needs, and top-level declarations after it. The display API is top-level
 * methods, not the class's, because cells call {@code display(...)} unqualified and jshell cannot
 * {@code import static} a class declared in jshell.
 */
enum ScriptStub {
    /** {@code display}, {@code updateDisplay}, {@code clearOutput}: print the text form, as the kernel's API does outside the kernel. */
    DISPLAY("""
                /** The text form of a value: the text/plain of its mimeBundle() (the course's pictures have one), else toString(). */
                static String text(Object value) {
                    if (value == null) return "null";
                    try {
                        var method = value.getClass().getMethod("mimeBundle");
                        method.setAccessible(true); // classes declared in cells are not public
                        if (method.invoke(value) instanceof Map<?, ?> bundle && bundle.get("text/plain") instanceof String plain) return plain;
                    } catch (ReflectiveOperationException | RuntimeException noBundle) { }
                    return String.valueOf(value);
                }

                /** The text form of text shown as mimeTypes: HTML without its tags; other kinds are named, not printed. */
                static String text(Object value, String... mimeTypes) {
                    List<String> types = List.of(mimeTypes);
                    if (!(value instanceof CharSequence) || types.isEmpty() || types.contains("text/plain")) return text(value);
                    if (types.contains("text/html") || types.contains("text/markdown")) return value.toString().replaceAll("<[^>]*>", "");
                    return "(" + String.join(", ", types) + ": shown only in the notebook)";
                }

                /** Prints text and returns a new display id, as display(...) returns one. */
                static String show(String text) {
                    System.out.println(text);
                    return UUID.randomUUID().toString();
                }
            """, """
            /** The notebook shows value under the cell; this script prints its text form. */
            String display(Object value) { return NotebookStub.show(NotebookStub.text(value)); }
            /** The notebook shows text as the given MIME types; this script prints its text form. */
            String display(Object value, String... mimeTypes) { return NotebookStub.show(NotebookStub.text(value, mimeTypes)); }
            /** The notebook replaces the display in place; this script prints the new text form on a line of its own. */
            void updateDisplay(String displayId, Object value) { NotebookStub.show(NotebookStub.text(value)); }
            void updateDisplay(String displayId, Object value, String... mimeTypes) { NotebookStub.show(NotebookStub.text(value, mimeTypes)); }
            /** The notebook clears the cell's output; a terminal keeps what it printed. */
            void clearOutput(boolean wait) { }
            void clearOutput() { }
            """),
    /** {@code %%time}: the cell's wall time and the CPU time of all the JVM's threads. */
    TIME("""
                private static long wallStart, cpuStart;

                static long processCpuNanos() {
                    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
                }

                /** %%time, before the cell's code. */
                static void startTime() {
                    cpuStart = processCpuNanos();
                    wallStart = System.nanoTime();
                }

                /** %%time, after the cell's code: prints the times as the notebook does. */
                static void printTime() {
                    double wall = (System.nanoTime() - wallStart) / 1e9, cpu = (processCpuNanos() - cpuStart) / 1e9;
                    System.out.printf("Wall time: %.3f s · CPU time, all threads: %.3f s (%.0f%% of one processor)%n", wall, cpu, wall > 0 ? 100 * cpu / wall : 0);
                }
            """, ""),
    /** {@code %threads stop}: interrupts the platform threads started since the script began, waits for them 3 s. */
    THREADS("""
                /** %threads stop: interrupts every platform thread the cells started (not jshell's), waits up to 3 s for them. */
                static void stopThreads(Set<Thread> jshellThreads) throws InterruptedException {
                    List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> t != Thread.currentThread() && !jshellThreads.contains(t)
                                    && t.getThreadGroup() == Thread.currentThread().getThreadGroup())
                            .toList();
                    started.forEach(Thread::interrupt);
                    long deadline = System.nanoTime() + 3_000_000_000L;
                    for (Thread t : started) t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    List<String> alive = started.stream().filter(Thread::isAlive).map(Thread::getName).toList();
                    System.out.println(alive.isEmpty() ? "Every thread started by earlier cells has ended."
                            : alive.size() + " thread(s) did not stop (" + String.join(", ", alive) + "), probably blocked on a lock.");
                }
            """, """
            /** The threads jshell runs before any cell starts one: %threads stop leaves them alone. */
            Set<Thread> jshellThreads = Set.copyOf(Thread.getAllStackTraces().keySet());
            """),
    /** {@code magic("...")} and {@code check("...")}: they need the kernel; as outside it, they throw. */
    KERNEL_CALLS("", """
            /** The notebook runs the magic; outside the conclab kernel there is none. */
            String magic(String line) { throw new IllegalStateException("magic(\\"" + line + "\\") needs the conclab kernel"); }
            /** The notebook checks the exercise; outside the conclab kernel it cannot. */
            int check(String name) { throw new IllegalStateException("check(\\"" + name + "\\") needs the conclab kernel"); }
            """);

    /** Members of the class NotebookStub, indented by four spaces. */
    final String members;
    /** Top-level snippets, after the class. */
    final String topLevel;

    ScriptStub(String members, String topLevel) {
        this.members = members;
        this.topLevel = topLevel;
    }

    /** The stubs' code for a script that needs {@code stubs}: the class with their members, then their top-level snippets. */
    static String code(Set<ScriptStub> stubs) {
        if (stubs.isEmpty()) return "";
        StringBuilder b = new StringBuilder("\n// Stand-ins for what only the conclab kernel gives cells\n");
        b.append("/** What a notebook's kernel does, done in text for this script. */\nclass NotebookStub {\n");
        String separator = "";
        for (ScriptStub stub : stubs) {
            if (stub.members.isEmpty()) continue;
            b.append(separator).append(stub.members);
            separator = "\n";
        }
        b.append("}\n");
        for (ScriptStub stub : stubs) b.append(stub.topLevel);
        return b.toString();
    }
}
