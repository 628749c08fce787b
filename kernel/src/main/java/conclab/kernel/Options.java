package conclab.kernel;

import conclab.kernel.api.ClasspathPatterns;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's settings, read once from the environment (the kernelspec's {@code env}, or the shell).
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><td>{@code CONCLAB_JVM_OPTS}</td><td>options of the engine JVM; default {@link #DEFAULT_JVM_OPTS}</td></tr>
 * <tr><td>{@code CONCLAB_COMPILER_OPTS}</td><td>javac options for cells; default {@link #DEFAULT_COMPILER_OPTS}</td></tr>
 * <tr><td>{@code CONCLAB_CLASSPATH}</td><td>extra jars and folders for cells (globs allowed, {@code :}-separated)</td></tr>
 * <tr><td>{@code CONCLAB_TIMEOUT}</td><td>per-cell time limit ({@code 90}, {@code 30s}, {@code 5m}); off by default</td></tr>
 * <tr><td>{@code CONCLAB_STARTUP}</td><td>Java run when the engine starts, after the built-in imports</td></tr>
 * <tr><td>{@code CONCLAB_OUTPUT_LIMIT}</td><td>lines of output shown per cell; default 20000 (a cell also shows at
 *     most 1,000,000 characters: {@code -Dconclab.output.chars=N} in {@code CONCLAB_JVM_OPTS} changes it)</td></tr>
 * </table>
 *
 * <p>Bad values are reported when the kernel starts, with what to do; they never crash it.
 */
record Options(Path java, List<String> engineJvmOptions, List<String> compilerOptions, List<String> classpath,
               Duration timeout, String startup, long outputLimit, String engineClasspath, List<String> problems,
               List<String> pluginJars, List<String> pluginCode) {

    /**
     * The engine's heap follows the memory of the machine or container: {@value #ENGINE_HEAP_PERCENT}% of it (the JVM
     * reads a container's limit), at most 2 GiB ({@code ErgoHeapSizeLimit} caps what the percentage gives; an
     * {@code -Xmx} in {@code CONCLAB_JVM_OPTS} overrides both). On Binder's 2 GB that is about 600 MB, so the kernel,
     * the engine and a third JVM (a check's tests, a child process of 11.10) fit; from 6.7 GB up it is 2 GiB.
     */
    static final int ENGINE_HEAP_PERCENT = 30;
    static final String DEFAULT_JVM_OPTS = "-XX:MaxRAMPercentage=" + ENGINE_HEAP_PERCENT + " -XX:ErgoHeapSizeLimit=2g"
            + " --enable-preview --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --enable-native-access=ALL-UNNAMED";
    static final String DEFAULT_COMPILER_OPTS = "--enable-preview --add-exports java.base/jdk.internal.vm=ALL-UNNAMED";
    static final long DEFAULT_OUTPUT_LIMIT = 20_000;

    /** Imports every cell sees; the display API is always among them. */
    static final String IMPORTS = """
            import java.io.*;
            import java.math.*;
            import java.net.*;
            import java.nio.*;
            import java.nio.channels.*;
            import java.nio.charset.*;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import java.util.concurrent.*;
            import java.util.concurrent.atomic.*;
            import java.util.concurrent.locks.*;
            import java.util.function.*;
            import java.util.regex.*;
            import java.util.stream.*;
            import static conclab.kernel.notebook.Notebook.*;
            """;

    static Options fromEnvironment() {
        return from(System.getenv());
    }

    static Options from(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> jvm = Args.split(env.getOrDefault("CONCLAB_JVM_OPTS", DEFAULT_JVM_OPTS));
        List<String> javac = withSource(Args.split(env.getOrDefault("CONCLAB_COMPILER_OPTS", DEFAULT_COMPILER_OPTS)));
        List<String> classpath = new ArrayList<>();
        String cp = env.getOrDefault("CONCLAB_CLASSPATH", "");
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            List<String> found = ClasspathPatterns.expand(entry, Path.of(""));
            if (found.isEmpty()) problems.add("CONCLAB_CLASSPATH: nothing matches " + entry);
            classpath.addAll(found);
        }
        Duration timeout = null;
        String t = env.get("CONCLAB_TIMEOUT");
        if (t != null && !t.isBlank()) {
            timeout = parseDuration(t);
            if (timeout == null) problems.add("CONCLAB_TIMEOUT: cannot read '" + t + "'; write seconds (90), or 30s, 5m, 1h");
        }
        long limit = DEFAULT_OUTPUT_LIMIT;
        String l = env.get("CONCLAB_OUTPUT_LIMIT");
        if (l != null && !l.isBlank()) {
            try {
                limit = Long.parseLong(l.strip());
                if (limit < 1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                problems.add("CONCLAB_OUTPUT_LIMIT: '" + l + "' is not a positive number of lines; using " + DEFAULT_OUTPUT_LIMIT);
                limit = DEFAULT_OUTPUT_LIMIT;
            }
        }
        String engineCp;
        try {
            engineCp = findEngineClasspath();
            if (System.getProperty("conclab.engine.classpath") == null) {
                jvm = new ArrayList<>(jvm);
                jvm.addAll(AotCache.use(Layout.here(), Layout.ENGINE_AOT));
            }
        } catch (IOException e) {
            problems.add(e.getMessage());
            engineCp = "";
        }
        return new Options(java, jvm, javac, classpath, timeout, env.getOrDefault("CONCLAB_STARTUP", ""), limit,
                engineCp, problems, List.of(), List.of());
    }

    /** These options with {@code more} options for the engine JVM. */
    Options withEngineJvmOptions(List<String> more) {
        List<String> jvm = new ArrayList<>(engineJvmOptions);
        jvm.addAll(more);
        return new Options(java, List.copyOf(jvm), compilerOptions, classpath, timeout, startup, outputLimit,
                engineClasspath, problems, pluginJars, pluginCode);
    }

    /**
     * These options with the plug-ins' jars, which every session puts on its class path, and their startup code,
     * which it runs before {@code startup}.
     */
    Options withPlugins(List<String> jars, List<String> code) {
        return new Options(java, engineJvmOptions, compilerOptions, classpath, timeout, startup, outputLimit,
                engineClasspath, problems, List.copyOf(jars), List.copyOf(code));
    }

    /**
     * javac accepts {@code --enable-preview} only with a source version; the engine's JDK is the one that
     * matters, so {@code --source N} is added when the options name none. ({@code --release N} would work
     * too, but it compiles against {@code ct.sym} and makes every cell about four times slower to compile.)
     */
    static List<String> withSource(List<String> javac) {
        boolean preview = javac.contains("--enable-preview");
        boolean release = javac.stream().anyMatch(o -> o.equals("--release") || o.equals("-source") || o.equals("--source")
                || o.startsWith("--release=") || o.startsWith("--source="));
        if (!preview || release) return javac;
        List<String> with = new ArrayList<>(javac);
        with.add("--source");
        with.add(Integer.toString(Runtime.version().feature()));
        return with;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

    /** Parses {@code 90}, {@code 90s}, {@code 1.5m}, {@code 2h}, {@code 500ms}; null if it cannot. */
    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) return null;
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 1000;
        };
        return millis > 0 ? Duration.ofMillis(Math.round(millis)) : null;
    }

    /**
     * The engine's own classpath: the engine and the course library. Tests name class folders with the
     * system properties {@code conclab.engine.classpath} and {@code conclab.lib.classpath}; an installed
     * kernel finds {@code conclab-engine.jar} and {@code conclab-lib.jar} beside its own jar.
     */
    static String findEngineClasspath() throws IOException {
        String engine = System.getProperty("conclab.engine.classpath");
        String lib = System.getProperty("conclab.lib.classpath");
        if (engine != null && lib != null) return expand(engine + File.pathSeparator + lib);
        Layout layout = Layout.here();
        for (Path p : layout.requiredJars()) {
            if (!Files.isRegularFile(p)) {
                throw new IOException("missing " + p + ": the kernel's files are incomplete; reinstall the kernel"
                        + " (./conclab lab, or java -jar conclab-kernel.jar install)");
            }
        }
        return expand(layout.engineClasspath());
    }

    /** A classpath with its globs replaced by the files they match (JShell's compiler wants plain paths). */
    static String expand(String classpath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            entries.addAll(entry.contains("*") ? ClasspathPatterns.expand(entry, Path.of("")) : List.of(entry));
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The jar (or class folder) the kernel runs from. */
    static Path kernelJar() {
        try {
            return Path.of(Options.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
