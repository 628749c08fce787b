package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The start-up caches of the kernel and engine JVMs: JDK 25's ahead-of-time cache (JEP 483), made in one
 * training run with {@code -XX:AOTCacheOutput} (JEP 514). A JVM started with a cache finds the classes of its
 * previous run already loaded and linked, and much of JShell's compiler with them, so the kernel answers sooner
 * and the first cell waits less.
 *
 * <p><b>When a cache is made.</b> {@code install} calls {@link #make} after copying the jars. It runs the kernel
 * jar once as {@code train} ({@link #train}): a session is started, a few cells of the usual kinds are compiled and
 * run, and both JVMs end normally, which is when each writes its cache. The caches go beside the jars
 * ({@link Layout#KERNEL_AOT}, {@link Layout#ENGINE_AOT}), with a stamp of what they were made from: the jars'
 * bytes, the JDK, the JVM options and the environment ({@link #stamp}). An install whose stamp matches keeps them.
 *
 * <p><b>Stale caches.</b> The JVM checks that a cache fits its JDK and options, but on JDK 25 it does not notice
 * a jar whose classes changed under the same name: it would run the cached classes. So a cache is only ever used
 * with the jars it was made from: install removes both caches and the stamp before it copies any jar that
 * differs, and makes them again after. A training run that fails leaves no cache; the kernel then starts without
 * one, as it did before caches existed, and install says so.
 *
 * <p>{@link #use(Layout, String)} gives the options that use a cache: {@code kernel.json} has the kernel's, and
 * {@link Options} adds the engine's. They keep the JVM quiet about a cache it cannot use.
 */
final class AotCache {
    private AotCache() {}

    /**
     * Set in the training run's kernel JVM: its engine runs without the kernel's agent. On JDK 25 (25.0.3) a JVM
     * making its AOT cache with that agent, which redefines {@code Thread}, crashes in {@code ArchiveBuilder} as it
     * writes the cache. The cache still serves an engine that has the agent: the classes the agent changes are
     * loaded from their jars, the rest from the cache.
     */
    static final String TRAINING = "conclab.aot.training";

    /** How long a training run may take before install gives up on it (the JVM writes its cache as it ends). */
    static final Duration TRAINING_LIMIT = Duration.ofSeconds(180);

    /** Options that make a JVM use {@code cache}, and say nothing if it cannot (a cache of another JDK, say). */
    static List<String> use(Path cache) {
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=off,cds*=off");
    }

    /** Options that make a JVM use the cache {@code name} of {@code home}, if it has that file; else none. */
    static List<String> use(Layout home, String name) {
        Path cache = home.home().resolve(name);
        return Files.isRegularFile(cache) ? use(cache) : List.of();
    }

    /** Removes the caches and their stamp from {@code dir}, before a jar in it changes; and the woven classes. */
    static void remove(Path dir) throws IOException {
        for (String name : List.of(Layout.KERNEL_AOT, Layout.ENGINE_AOT, Layout.AOT_STAMP)) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Path woven = dir.resolve(Layout.WOVEN_FOLDER);
        if (Files.isDirectory(woven)) {
            try (var files = Files.list(woven)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(woven);
        }
    }

    /**
     * Has the engine's agent weave, in a JVM of its own, every JDK class it changes, into the folder
     * {@link Layout#WOVEN_FOLDER} of {@code dir}, so that no engine start weaves them (an engine whose folder is not
     * writable, in an image, could not keep them). Returns null, or why not (the engine weaves at each start then).
     */
    static String weave(Path dir) throws IOException {
        Path engineJar = dir.resolve(Layout.ENGINE_JAR);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                EngineProcess.agent(engineJar, true), "-cp", engineJar.toString(), "conclab.kernel.engine.Agent");
        Path log = Files.createTempFile("conclab-weave", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(TRAINING_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "weaving took more than " + TRAINING_LIMIT.toSeconds() + " s";
            }
            return p.exitValue() == 0 ? null : "weaving ended with exit code " + p.exitValue() + ": " + Files.readString(log).strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * What the caches in {@code dir} are made from: every jar under it (path and bytes), the JDK, the kernel
     * JVM's options and the environment the kernel runs with. Equal stamps mean the caches still fit.
     */
    static String stamp(Path dir, List<String> kernelJvmOptions, Map<String, String> env) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (var walk = Files.walk(dir)) {
                for (Path jar : walk.filter(p -> p.toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList()) {
                    sha.update(dir.relativize(jar).toString().getBytes(StandardCharsets.UTF_8));
                    sha.update(Files.readAllBytes(jar));
                }
            }
            String rest = System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n"
                    + kernelJvmOptions + "\n" + new java.util.TreeMap<>(env);
            sha.update(rest.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code dir} holds both caches, made from what {@code stamp} describes. */
    static boolean fits(Path dir, String stamp) throws IOException {
        Path stampFile = dir.resolve(Layout.AOT_STAMP);
        return Files.isRegularFile(stampFile) && Files.readString(stampFile).strip().equals(stamp)
                && Files.isRegularFile(dir.resolve(Layout.KERNEL_AOT)) && Files.isRegularFile(dir.resolve(Layout.ENGINE_AOT));
    }

    /**
     * Makes the caches in {@code dir}, an installed kernel's folder whose jars {@code stamp} describes and whose old
     * caches install has removed, by a training run. Returns null when they are made, or why there are none (the
     * kernel works without them).
     */
    static String make(Path dir, String stamp, List<String> kernelJvmOptions, Map<String, String> env) throws IOException {
        Path stampFile = dir.resolve(Layout.AOT_STAMP);
        // Each JVM writes its cache to a temporary name; only a run that made both puts them in place.
        Path kernelOut = dir.resolve("." + Layout.KERNEL_AOT + ".part"), engineOut = dir.resolve("." + Layout.ENGINE_AOT + ".part");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(kernelJvmOptions);
        command.add("-XX:AOTCacheOutput=" + kernelOut);
        command.add("-jar");
        command.add(dir.resolve(Layout.KERNEL_JAR).toString());
        command.add("train");
        command.add(engineOut.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("CONCLAB_"));
        builder.environment().putAll(env);
        Path log = Files.createTempFile("conclab-aot", ".log");
        try {
            Process p = builder.redirectOutput(log.toFile()).start();
            if (!p.waitFor(TRAINING_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "the training run took more than " + TRAINING_LIMIT.toSeconds() + " s";
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(kernelOut) || !Files.isRegularFile(engineOut)) {
                List<String> lines = Files.readAllLines(log);
                return "the training run ended with exit code " + p.exitValue() + ": "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            }
            Files.move(engineOut, dir.resolve(Layout.ENGINE_AOT), StandardCopyOption.REPLACE_EXISTING);
            Files.move(kernelOut, dir.resolve(Layout.KERNEL_AOT), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(stampFile, stamp + "\n");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            for (Path part : List.of(kernelOut, engineOut)) {
                Files.deleteIfExists(part);
                Files.deleteIfExists(Path.of(part + ".config")); // the JVM's own, left if it crashed or was killed
            }
            Files.deleteIfExists(log);
        }
    }

    /** A few cells of the kinds the course runs: expressions, declarations, lambdas, records, threads, output. */
    static final List<String> TRAINING_CELLS = List.of(
            "1 + 1",
            "int counter = 0;\nvoid count() { counter++; }\ncount();\ncounter",
            "record Point(int x, int y) {}\nnew Point(1, 2)",
            "List.of(1, 2, 3).stream().map(i -> i * i).toList()",
            "var t = Thread.ofPlatform().start(() -> System.out.println(\"hello from \" + Thread.currentThread()));\nt.join();",
            "try (var pool = Executors.newVirtualThreadPerTaskExecutor()) { pool.submit(() -> 42).get(); }",
            "String s = \"x\".repeat(3);\nSystem.out.printf(\"%s %d%n\", s, s.length());",
            "Integer.parseInt(\"not a number\")");

    /**
     * The training run, in the kernel JVM that install starts with {@code -XX:AOTCacheOutput}: a session whose
     * engine writes its cache to {@code engineOut}, the cells above, then both JVMs end normally.
     */
    static void train(Path engineOut) throws IOException {
        System.setProperty(TRAINING, "true");
        MagicTable magics = new MagicTable();
        Plugins.Loaded plugins = Plugins.load(Plugins.classpaths(), magics);
        Options options = Options.fromEnvironment().withPlugins(plugins.engineJars(), plugins.startupCode())
                .withEngineJvmOptions(List.of("-XX:AOTCacheOutput=" + engineOut));
        Session session = Session.start(options, SILENT, () -> true);
        int count = 0;
        for (String cell : TRAINING_CELLS) {
            count++;
            session.eval(cell, count, count, 1, () -> false);
        }
        // The engine writes its cache as it exits: System.exit, not a kill.
        session.eval("System.exit(0);", ++count, count, 1, () -> false);
        if (!session.engine().awaitExit(TRAINING_LIMIT)) throw new IOException("the engine did not end");
        session.close();
    }

    /** The training session's events go nowhere: nobody reads them. */
    private static final EngineProcess.Listener SILENT = new EngineProcess.Listener() {
        public void output(long cell, byte stream, String text) {}

        public void display(long cell, String displayId, boolean update, Map<String, String> bundle) {}

        public void clearOutput(long cell, boolean wait) {}

        public void inputRequest(long cell, int request) {}

        public void magicRequest(long cell, int request, String line) {}

        public void threadError(long cell, String thread, List<EngineWire.Failure> chain) {}

        public void processOutput(byte stream, String text) {}
    };
}
