package conclab.memory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/**
 * The bytecode of a method, as {@code javap -c} prints it: what the JVM really executes for a line like
 * {@code count++} (a read, an add, a write: three steps another thread can come between). The class must
 * be compiled to a class file, so notebooks use {@link Examples}; classes defined in cells live only in
 * memory.
 */
public final class Bytecode {
    private Bytecode() {}

    /**
     * The instructions of method {@code method} of {@code type} (every method of that name), one per
     * line, as {@code javap -c -p} lists them.
     *
     * @throws IllegalArgumentException when the class has no such method
     * @throws IllegalStateException    when javap is missing (a JRE, not a JDK) or fails
     */
    public static String of(Class<?> type, String method) {
        ToolProvider javap = ToolProvider.findFirst("javap")
                .orElseThrow(() -> new IllegalStateException("javap is missing: run on a JDK, not a JRE"));
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = javap.run(new PrintWriter(out), new PrintWriter(err), "-c", "-p", "-cp", location(type), type.getName());
        if (code != 0) throw new IllegalStateException("javap failed: " + err.toString().strip());
        List<String> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("  ") && !line.startsWith("   ")) { // a member's header: two spaces
                inside = line.matches(".*[ .]" + java.util.regex.Pattern.quote(method) + "\\(.*");
                if (inside) lines.add(line.strip());
            } else if (inside && line.startsWith("     ") && !line.strip().equals("Code:")) {
                lines.add("  " + line.strip());
            }
        }
        if (lines.isEmpty()) throw new IllegalArgumentException(type.getName() + " has no method " + method);
        return String.join("\n", lines);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalArgumentException(type.getName() + " was not loaded from a class file or jar", e);
        }
    }
}
