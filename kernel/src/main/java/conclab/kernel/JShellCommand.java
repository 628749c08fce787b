package conclab.kernel;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code java -jar conclab-kernel.jar jshell [JSHELL_ARGS...]} ({@code ./conclab jshell}): the JDK's own
 * {@code jshell}, set up as a notebook's cells are, so that any class of the course library can be tried
 * without Jupyter: the library and its dependencies on the class path (and {@code CONCLAB_CLASSPATH}), the
 * course's imports, and the engine's JVM and compiler options ({@code CONCLAB_JVM_OPTS},
 * {@code CONCLAB_COMPILER_OPTS} or their defaults, see {@link Options}).
 *
 * <p>What only a notebook has is left out: the display API ({@code display}, {@code clearOutput}, ...) needs the
 * kernel, so the engine's jar and its static import are not there; the magics are the kernel's.
 */
final class JShellCommand {
    private JShellCommand() {}

    /** Runs jshell in this terminal and returns its exit code. */
    static int run(List<String> userArgs) throws IOException, InterruptedException {
        Options options = Options.fromEnvironment();
        for (String problem : options.problems()) System.err.println("conclab jshell: " + problem);
        Path startup = Files.createTempFile("conclab-imports", ".jsh");
        try {
            Files.writeString(startup, imports());
            Process p = new ProcessBuilder(command(options, startup, userArgs)).inheritIO().start();
            return p.waitFor();
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    /** The course's imports that work outside a notebook: all but the display API's. */
    static String imports() {
        StringBuilder b = new StringBuilder();
        for (String line : Options.IMPORTS.strip().split("\n")) {
            if (!line.contains("conclab.kernel.notebook")) b.append(line).append('\n');
        }
        return b.toString();
    }

    static List<String> command(Options options, Path startup, List<String> userArgs) {
        List<String> command = new ArrayList<>();
        command.add(jshell(options).toString());
        command.add("--class-path");
        command.add(String.join(File.pathSeparator, classpath(options)));
        command.add("--startup");
        command.add("DEFAULT");
        command.add("--startup");
        command.add(startup.toString());
        command.addAll(engineOptions(options));
        command.addAll(userArgs);
        return command;
    }

    /** The jshell of the JDK that runs the engine. */
    static Path jshell(Options options) {
        return options.java().resolveSibling("jshell");
    }

    /** The class path of a notebook's cells, but the engine's jar (the display API needs the kernel). */
    static List<String> classpath(Options options) {
        List<String> classpath = new ArrayList<>();
        for (String entry : options.engineClasspath().split(File.pathSeparator)) {
            if (!entry.isBlank() && !entry.endsWith(Layout.ENGINE_JAR)) classpath.add(entry);
        }
        classpath.addAll(options.classpath());
        return classpath;
    }

    /** The engine's JVM options as jshell's {@code -R}, its compiler options as {@code -C}, and preview as jshell's own option. */
    static List<String> engineOptions(Options options) {
        List<String> out = new ArrayList<>();
        boolean preview = false;
        for (String option : joined(options.engineJvmOptions())) {
            if (option.equals("--enable-preview")) preview = true;
            else if (!option.startsWith("-XX:AOTCache") && !option.startsWith("-Xlog:")) out.add("-R" + option);
        }
        for (String option : joined(options.compilerOptions())) {
            if (option.equals("--enable-preview")) preview = true;
            else if (!option.startsWith("--source")) out.add("-C" + option); // jshell sets the source itself
        }
        if (preview) out.add("--enable-preview");
        return out;
    }

    /**
     * Options with their values in one word ({@code --add-exports X} becomes {@code --add-exports=X}): jshell's
     * {@code -R} and {@code -C} pass on one word each.
     */
    static List<String> joined(List<String> options) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < options.size(); i++) {
            String o = options.get(i);
            if (o.startsWith("--") && !o.contains("=") && i + 1 < options.size() && !options.get(i + 1).startsWith("-")) {
                out.add(o + "=" + options.get(++i));
            } else {
                out.add(o);
            }
        }
        return out;
    }
}
