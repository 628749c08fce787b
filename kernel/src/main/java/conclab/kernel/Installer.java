package conclab.kernel;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Installs the kernelspec: {@code java -jar conclab-kernel.jar install [--user | --sys-prefix | --prefix DIR]
 * [--name conclab] [--env KEY=VALUE]...}.
 *
 * <p>It writes {@code kernels/NAME/} under the chosen Jupyter data folder: {@code kernel.json} (which runs
 * this very {@code java}, an absolute path, so the right JDK is used whatever is on the PATH), a copy of the
 * distribution's jars as {@link Layout} lays them out (the kernel, the engine, the library, plug-ins, the C10K
 * lab), the logos, and the JVMs' start-up caches ({@link AotCache}; {@code --no-cache} leaves them out). Installing
 * again replaces what changed and removes jars the distribution no longer has.
 */
final class Installer {
    private Installer() {}

    static final String DEFAULT_NAME = "conclab";
    static final String DISPLAY_NAME = "Java 25 (conclab)";

    /**
     * JVM options of the kernel process: it compiles, it does not run learner code. No heap limits yet:
     * {@code -Xms64m -Xmx512m} were tried on 2026-12-04 (about 50 MB were live after 00-start-here, and the resident
     * memory fell from 247 MB to 154 MB), then taken out while a failure was hunted that turned out to have another
     * cause. They need a measurement of their own before they come back.
     */
    static final List<String> KERNEL_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss4m");

    static int run(String[] args) {
        String where = "--user", prefix = null, name = DEFAULT_NAME;
        boolean cache = true;
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--user", "--sys-prefix" -> where = args[i];
                case "--no-cache" -> cache = false;
                case "--prefix" -> {
                    if (++i == args.length) return usage("--prefix needs a folder");
                    where = "--prefix";
                    prefix = args[i];
                }
                case "--name" -> {
                    if (++i == args.length || !args[i].matches("[a-zA-Z0-9._-]+")) {
                        return usage("--name needs a name of letters, digits, '.', '_' or '-'");
                    }
                    name = args[i];
                }
                case "--env" -> {
                    if (++i == args.length || !args[i].contains("=")) return usage("--env needs KEY=VALUE");
                    env.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
                }
                default -> {
                    return usage("unknown option " + args[i]);
                }
            }
        }
        try {
            Path dataDir = switch (where) {
                case "--prefix" -> Path.of(prefix).toAbsolutePath().resolve("share/jupyter");
                case "--sys-prefix" -> sysPrefix().resolve("share/jupyter");
                default -> userDataDir();
            };
            Path target = dataDir.resolve("kernels").resolve(name);
            String noCache = install(target, env, cache);
            System.out.println("Installed the kernel \"" + DISPLAY_NAME + "\" as '" + name + "' in " + target);
            if (noCache != null) {
                System.err.println("conclab install: no start-up caches (" + noCache + "): the kernel works, it only starts more"
                        + " slowly. Install again to retry.");
            }
            return 0;
        } catch (IOException e) { // a file's name alone (what many IOExceptions say) would not tell what failed
            System.err.println("conclab install: could not install the kernel (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); check that the folder is writable, or remove it and install again");
            return 1;
        }
    }

    /**
     * Writes the kernelspec into {@code dir}, with the JVMs' start-up caches if {@code cache} (see {@link AotCache}).
     * Returns null, or why there are no caches although they were asked for (the training run failed).
     */
    static String install(Path dir, Map<String, String> env, boolean cache) throws IOException {
        Path from = Options.kernelJar();
        if (!Files.isRegularFile(from)) {
            throw new IOException("install runs from the kernel jar (java -jar conclab-kernel.jar install), not from " + from);
        }
        Layout source = new Layout(from.getParent());
        for (Path jar : source.requiredJars()) {
            if (!Files.isRegularFile(jar)) throw new IOException("missing " + jar + "; build with ./mvnw package");
        }
        Files.createDirectories(dir);
        // A cache must never outlive the jars it was made from (the JVM would run its stale classes): it goes
        // before any jar changes, unless every jar stays as it is.
        String stamp = AotCache.stamp(source.home(), KERNEL_JVM_OPTIONS, env);
        boolean cached = cache && AotCache.fits(dir, stamp);
        if (!cached) AotCache.remove(dir);
        mirrorJars(source.home(), dir);  // the whole layout (see Layout), whatever folders it has
        String noCache = cached || !cache ? null : AotCache.make(dir, stamp, KERNEL_JVM_OPTIONS, env);
        if (cache && noCache == null) noCache = AotCache.weave(dir);
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png", "logo-svg.svg")) {
            try (InputStream in = Installer.class.getResourceAsStream("/kernelspec/" + logo)) {
                if (in != null) put(in.readAllBytes(), dir.resolve(logo));
            }
        }
        put(kernelJson(dir, env).getBytes(java.nio.charset.StandardCharsets.UTF_8), dir.resolve("kernel.json"));
        return noCache;
    }

    /**
     * Makes the jars under {@code to}, at any depth, those under {@code from}: copies each one that differs,
     * deletes the jars {@code to} has that {@code from} lacks (a jar of an older version must not stay on a class
     * path), and the folders that leaves empty. Files that are not jars (kernel.json, the logos) are left alone.
     */
    static void mirrorJars(Path from, Path to) throws IOException {
        java.util.Set<Path> wanted = new java.util.HashSet<>();
        try (var walk = Files.walk(from)) {
            for (Path jar : walk.filter(Installer::isJar).toList()) {
                Path relative = from.relativize(jar);
                wanted.add(relative);
                Path target = to.resolve(relative.toString());
                if (jar.equals(target)) continue;  // installing from the installed folder itself
                Files.createDirectories(target.getParent());
                put(Files.readAllBytes(jar), target);
            }
        }
        try (var walk = Files.walk(to)) {  // deepest first, so that a folder is looked at after its files
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Path relative = to.relativize(p);
                if (isJar(p) && !wanted.contains(relative)) {
                    Files.delete(p);
                } else if (Files.isDirectory(p) && !p.equals(to) && !Files.isDirectory(from.resolve(relative.toString()))) {
                    try (var rest = Files.list(p)) {
                        if (rest.findAny().isEmpty()) Files.delete(p);
                    }
                }
            }
        }
    }

    private static boolean isJar(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
    }

    /**
     * Writes {@code bytes} to {@code target} unless it already holds them. The new file is written beside
     * the target and moved over it in one step, so a kernel that is running from this folder (a learner may
     * install again while a notebook is open) never reads a half-written jar.
     */
    static void put(byte[] bytes, Path target) throws IOException {
        if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) return;
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static String kernelJson(Path dir, Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(KERNEL_JVM_OPTIONS);
        argv.addAll(AotCache.use(new Layout(dir), Layout.KERNEL_AOT));
        argv.add("-jar");
        argv.add(dir.resolve(Layout.KERNEL_JAR).toAbsolutePath().toString());
        argv.add("{connection_file}");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", DISPLAY_NAME);
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", env);
        spec.put("metadata", Map.of("debugger", false));
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(spec) + "\n";
    }

    /** Jupyter's per-user data folder, as {@code jupyter --data-dir} computes it. */
    static Path userDataDir() {
        return userDataDir(System::getenv, System.getProperty("os.name"), home(System::getenv, System.getProperty("user.home")));
    }

    /**
     * The home folder as Jupyter's Python sees it: {@code $HOME} when set (Python's {@code expanduser} reads it), else
     * the JVM's {@code user.home}. The two differ where {@code HOME} is set to another folder than the account's (a
     * container, {@code sudo -E}, a JupyterHub spawner): the JVM's {@code user.home} comes from the account's entry
     * and ignores {@code HOME}, and a kernel installed there would not be found.
     */
    static Path home(java.util.function.Function<String, String> env, String userHome) {
        String home = env.apply("HOME");
        return Path.of(home != null && !home.isBlank() ? home : userHome);
    }

    /**
     * Jupyter's user data folder as {@code jupyter --data-dir} finds it: {@code JUPYTER_DATA_DIR} if set; else
     * {@code ~/Library/Jupyter} on macOS, {@code %APPDATA%\jupyter} on Windows, and elsewhere
     * {@code $XDG_DATA_HOME/jupyter} ({@code ~/.local/share/jupyter} when it is not set).
     */
    static Path userDataDir(java.util.function.Function<String, String> env, String osName, Path home) {
        String jupyterData = env.apply("JUPYTER_DATA_DIR");
        if (jupyterData != null && !jupyterData.isBlank()) return Path.of(jupyterData);
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("mac")) return home.resolve("Library").resolve("Jupyter");
        String appData = env.apply("APPDATA");
        if (os.contains("windows") && appData != null && !appData.isBlank()) return Path.of(appData, "jupyter");
        String xdg = env.apply("XDG_DATA_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share")).resolve("jupyter");
    }

    /** The active Python environment: a venv, a conda env, or whatever python3 says. */
    static Path sysPrefix() throws IOException {
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) return Path.of(v);
        }
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() == 0 && !out.isEmpty()) return Path.of(out);
        } catch (IOException | InterruptedException e) {
            // fall through
        }
        throw new IOException("--sys-prefix needs an active Python environment (a venv or conda env);"
                + " activate one, or use --user or --prefix DIR");
    }

    private static int usage(String problem) {
        System.err.println("conclab install: " + problem);
        System.err.println("usage: java -jar conclab-kernel.jar install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--env KEY=VALUE]... [--no-cache]");
        return 2;
    }
}
