package conclab.c10k;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The plumbing of the C10K lab notebook (12.11): finds the lab's JVMs (the {@code c10k} module's jars), runs
 * the benchmark's driver {@value #DRIVER} in a child JVM with a bounded wait, streams its lines into the
 * cell, and leaves no process behind, also when the cell is interrupted.
 *
 * <pre>{@code
 * Lab lab = Lab.find();                                   // where conclab-c10k.jar is
 * Results live = lab.bench(Duration.ofSeconds(60), "--servers", "loop,virtual", "--sizes", "1000");
 * Lab.leftovers()                                         // processes of this JVM still alive: none
 * }</pre>
 *
 * <p>Where the jars are: the folder {@code c10k} beside the jar this library was loaded from (the kernel's
 * {@code kernel/target/dist/conclab-lib.jar} has {@code kernel/target/dist/c10k}), or, when the library
 * runs from its class folder {@code <repo>/lib/target/classes}, the module's own
 * {@code <repo>/c10k/target/dist}; failing that, the module's folder in the repository around the working
 * folder (an installed kernel runs a copy of the library jar, outside the repository). Each holds
 * {@code conclab-c10k.jar} and {@code lib/*.jar}, the classpath of the lab's JVMs.
 *
 * <p>A child's lifetime: {@link #run} starts it with stdout and stderr merged, copies each line it prints
 * to a consumer on the calling thread, and waits at most the given limit. If the limit passes or the
 * calling thread is interrupted (the notebook's stop button), it stops the child: SIGTERM first (the driver
 * then ends the servers and load generators it started), the kill after {@link #GRACE}, and then it kills
 * every descendant of the child that is still alive. It notes the child's descendants while it runs (a
 * few times a second, and whenever the child prints a line, before the line is handed over: so whatever the
 * child started before a line is known when the line is seen). When the child ends, {@code run} kills the
 * descendants it left, and says so: that is how the lab checks that the driver ends what it started.
 *
 * <p>Instances are immutable. {@link #run} confines its work to the calling thread, except one daemon thread
 * per child that reads the child's output and hands the lines over through a queue.
 */
public final class Lab {
    /** The benchmark's driver: runs servers and load generators, measures, writes JSON. */
    public static final String DRIVER = "conclab.c10k.bench.C10kBench";
    /** The lab's jar, in {@link #dist()}; its dependencies are in {@code lib/}. */
    public static final String JAR = "conclab-c10k.jar";
    /** How long a child may take to end after SIGTERM before it is killed. */
    static final Duration GRACE = ChildProcess.GRACE;
    /** How often a running child's descendants are noted. */
    private static final Duration LOOK_EVERY = Duration.ofMillis(250);

    /** The folder with {@link #JAR} and {@code lib/}. */
    private final Path dist;

    private Lab(Path dist) {
        this.dist = dist;
    }

    /**
     * The lab of this library: the first of {@link #candidates} that holds the jars. Throws
     * {@link IllegalStateException} naming the places it looked and what to build if none does.
     */
    public static Lab find() {
        List<Path> places = candidates(libraryLocation(), Path.of(System.getProperty("user.dir")));
        for (Path dist : places) if (isDist(dist)) return new Lab(dist.toAbsolutePath().normalize());
        throw new IllegalStateException("the C10K lab's jars are in none of " + places
                + ": build them from the repository's root with ./mvnw -q -B package -DskipTests");
    }

    /**
     * Where the lab's jars may be, in order, for a library loaded from {@code lib} and a program working in
     * {@code cwd}: beside the library ({@link #distFor}), then in the module of the repository that holds the
     * library, or else the working folder (a notebook works in its folder; an installed kernel's library is a
     * copy outside the repository, which has no {@code c10k} beside it).
     */
    static List<Path> candidates(Path lib, Path cwd) {
        List<Path> places = new ArrayList<>(List.of(distFor(lib)));
        repository(lib).or(() -> repository(cwd)).map(repo -> repo.resolve(Path.of("c10k", "target", "dist")))
                .filter(dist -> !places.contains(dist)).ifPresent(places::add);
        return places;
    }

    /** The lab whose jars are in {@code dist} (a folder with {@link #JAR} and {@code lib/}). */
    public static Lab at(Path dist) {
        if (!isDist(dist)) throw new IllegalArgumentException(dist + " has no " + JAR + " and lib/ folder");
        return new Lab(dist.toAbsolutePath().normalize());
    }

    /**
     * Where the lab's jars belong for a library loaded from {@code lib} (a jar or a class folder): the folder
     * {@code c10k} beside a jar, {@code <repo>/c10k/target/dist} for {@code <repo>/lib/target/classes}, and
     * {@code c10k} beside any other folder. Says nothing about whether they are there ({@link #isDist}).
     */
    static Path distFor(Path lib) {
        Path l = lib.toAbsolutePath().normalize();
        Path parent = l.getParent() == null ? l : l.getParent();
        if (Files.isDirectory(l) && l.endsWith(Path.of("lib", "target", "classes"))) {
            return l.getParent().getParent().resolveSibling("c10k").resolve(Path.of("target", "dist"));
        }
        return (Files.isDirectory(l) ? l : parent).resolve("c10k");
    }

    /** Whether {@code dir} holds the lab's jar and its {@code lib/} folder. */
    static boolean isDist(Path dir) {
        return Files.isRegularFile(dir.resolve(JAR)) && Files.isDirectory(dir.resolve("lib"));
    }

    /** The jar or folder this library's classes were loaded from. */
    static Path libraryLocation() {
        CodeSource source = Lab.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) throw new IllegalStateException("cannot tell where conclab-lib was loaded from");
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where conclab-lib was loaded from: " + source.getLocation(), e);
        }
    }

    /** The folder with {@link #JAR} and {@code lib/}. */
    public Path dist() {
        return dist;
    }

    /** The classpath of the lab's JVMs: the jar and every jar in {@code lib/}. */
    public String classPath() {
        return dist.resolve(JAR) + java.io.File.pathSeparator + dist.resolve("lib") + java.io.File.separator + "*";
    }

    /** The command that runs {@code main} of the lab's jars with {@code args}, in a JVM with {@code jvmOptions}. */
    public ProcessBuilder command(List<String> jvmOptions, String main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), main));
        command.addAll(args);
        return new ProcessBuilder(command);
    }

    /**
     * The driver's lines worth seeing while it runs: its first line ({@code C10K: ...}, the machine), its progress
     * ({@code [ 1/4] loop at 1,000: ...}), the lab's own ({@code [lab] ...}) and the elapsed time.
     */
    public static final Predicate<String> PROGRESS =
            line -> line.startsWith("[") || line.startsWith("C10K:") || line.startsWith("elapsed");

    /** {@link #bench(Duration, Predicate, String...)} printing every line. */
    public Results bench(Duration limit, String... args) throws InterruptedException {
        return bench(limit, line -> true, args);
    }

    /**
     * Runs the driver with {@code args} and {@code --json} to a temporary file, printing the lines that
     * {@code show} accepts (and, if the driver fails, its last lines too), and returns the results it wrote.
     * Waits at most {@code limit}; see {@link #run} for what happens then.
     */
    public Results bench(Duration limit, Predicate<String> show, String... args) throws InterruptedException {
        Path json = null;
        Deque<String> hidden = new ArrayDeque<>();
        try {
            json = Files.createTempFile("c10k-lab-", ".json");
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--json", json.toString()));
            int exit = run(command(List.of(), DRIVER, all), limit, line -> {
                if (show.test(line)) {
                    System.out.println(line);
                    return;
                }
                if (hidden.size() == 20) hidden.removeFirst();
                hidden.addLast(line);
            });
            if (exit != 0) {
                hidden.forEach(System.out::println);
                throw new IllegalStateException("the driver ended with exit code " + exit + ": its last lines above say why");
            }
            return Results.read(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (json != null) json.toFile().delete();
        }
    }

    /** The lib's server main: {@code Serve KIND --port 0}. */
    static final String SERVE = "conclab.c10k.Serve";
    /** The load generator's main. */
    static final String GENERATOR = "conclab.c10k.load.LoadGenerator";
    /** The profiled server's JVM flags: the benchmark's heap and collector (without its memory tracking). */
    static final List<String> SERVER_FLAGS = List.of("-Xms128m", "-Xmx1g", "-XX:+UseG1GC");
    /** The generator's JVM flags, as in the benchmark. */
    static final List<String> GENERATOR_FLAGS = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC");
    /** The recording's settings: JDK 25's CPU-time samples, the count of those it lost, and nothing else. */
    static final String CPU_TIME_JFC = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="CPU time" description="jdk.CPUTimeSample and jdk.CPUTimeSamplesLost only">
              <event name="jdk.CPUTimeSample"><setting name="enabled">true</setting><setting name="throttle">1ms</setting></event>
              <event name="jdk.CPUTimeSamplesLost"><setting name="enabled">true</setting></event>
            </configuration>
            """;

    /**
     * Where the CPU time of a lib server of {@code kind} goes under load: starts it, warms it up ({@link #warmUp}), holds {@code connections}
     * from the load generator, then records JFR's CPU-time samples ({@code jcmd PID JFR.start}) only while it
     * loads them for {@code load} (closed loop, as the benchmark does), stops the recording ({@code JFR.stop}),
     * and reads the recording with the server's CPU time over the same window ({@code /proc/PID/stat}). Prints a
     * line per step. Waits at most {@code limit} in all; stops both JVMs if it passes
     * ({@link IllegalStateException}) or the calling thread is interrupted ({@link InterruptedException}).
     */
    public Profile profile(String kind, int connections, Duration load, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Path dir = null;
        ChildProcess server = null, generator = null;
        Consumer<String> out = System.out::println;
        try {
            dir = Files.createTempDirectory("c10k-profile-");
            Path jfc = Files.writeString(dir.resolve("cpu.jfc"), CPU_TIME_JFC), jfr = dir.resolve(kind + ".jfr");
            server = ChildProcess.start(command(SERVER_FLAGS, SERVE, List.of(kind, "--port", "0")));
            String listening = server.awaitLine(l -> l.startsWith("listening on 127.0.0.1:"), deadline, "'listening on' line", l -> {});
            String port = listening.substring(listening.lastIndexOf(':') + 1).strip();
            out.accept(kind + ": " + listening + " (pid " + server.pid() + ")");
            warmUp(port, deadline, out);
            generator = ChildProcess.start(command(GENERATOR_FLAGS, GENERATOR, List.of("--port", port, "--connections", "" + connections,
                    "--seconds", "" + load.toSeconds(), "--ramp-seconds", "1", "--timeout-ms", "2000")));
            Map<String, Object> held = Json.parseObject(generator.awaitLine(l -> l.contains("\"held\""), deadline, "'held' line", out));
            jcmd(server.pid(), deadline, "JFR.start", "name=load", "settings=" + jfc);
            long cpuBefore = cpuTicks(server.pid());
            out.accept(kind + ": " + held.get("held") + " connections held; recording " + load.toSeconds() + " s of load");
            generator.send("go");
            Map<String, Object> result = Json.parseObject(generator.awaitLine(l -> l.contains("\"result\""), deadline, "'result' line", out));
            long cpuTicks = cpuTicks(server.pid()) - cpuBefore;
            jcmd(server.pid(), deadline, "JFR.stop", "name=load", "filename=" + jfr);
            out.accept(kind + ": " + Results.format(Results.number(result, "rps")) + " req/s, " + result.get("errors") + " errors");
            generator.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))); // it closes its connections
            server.closeInput();                                        // Serve ends at the end of its stdin
            if (!server.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))))
                throw new IllegalStateException(kind + " did not exit in time; its last lines: " + server.tail());
            return Profile.read(kind, jfr, result, cpuTicks * 1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (generator != null) generator.stop(out);
            if (server != null) server.stop(out);
            deleteAll(dir);
        }
    }

    /**
     * Loads the server on {@code port} from {@link #WARM_UP_CONNECTIONS} connections for {@link #WARM_UP}, as the
     * benchmark does before it measures: the JIT compiles the server's paths, and a profile taken after it shows the
     * server's steady work rather than the compiler's and the interpreter's. Bounded by {@code deadline}.
     */
    private void warmUp(String port, long deadline, Consumer<String> out) throws InterruptedException {
        ChildProcess warm = ChildProcess.start(command(GENERATOR_FLAGS, GENERATOR, List.of("--port", port, "--connections",
                "" + WARM_UP_CONNECTIONS, "--seconds", "" + WARM_UP.toSeconds(), "--ramp-seconds", "1", "--timeout-ms", "2000")));
        try {
            warm.awaitLine(l -> l.contains("\"held\""), deadline, "warm-up's 'held' line", l -> {});
            warm.send("go");
            warm.awaitLine(l -> l.contains("\"result\""), deadline, "warm-up's 'result' line", l -> {});
            out.accept("warmed up: " + WARM_UP_CONNECTIONS + " connections, " + WARM_UP.toSeconds() + " s of load");
            warm.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))); // it closes its connections
        } finally {
            warm.stop(l -> {});
        }
    }

    /** The warm-up's connections and length, as the benchmark's. */
    static final int WARM_UP_CONNECTIONS = 100;
    static final Duration WARM_UP = Duration.ofSeconds(2);

    /**
     * One load of a lib server of {@code kind}: starts it, warms it up ({@link #warmUp}, as {@link #profile} and the
     * benchmark do), holds {@code connections} from the load generator and
     * loads them for {@code load} at {@code rate} requests per second in total (0: closed loop; else open loop,
     * each latency timed from the request's intended send time, each request sent on its schedule whether or not
     * the earlier ones on its connection were answered: pipelined), and returns the generator's result line. Waits
     * at most {@code limit}; stops both JVMs when it returns, passes its limit or is interrupted.
     */
    public Map<String, Object> load(String kind, int connections, double rate, Duration load, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        ChildProcess server = null, generator = null;
        Consumer<String> out = System.out::println;
        try {
            server = ChildProcess.start(command(SERVER_FLAGS, SERVE, List.of(kind, "--port", "0")));
            String listening = server.awaitLine(l -> l.startsWith("listening on 127.0.0.1:"), deadline, "'listening on' line", l -> {});
            String port = listening.substring(listening.lastIndexOf(':') + 1).strip();
            warmUp(port, deadline, l -> {});
            generator = ChildProcess.start(command(GENERATOR_FLAGS, GENERATOR, List.of("--port", port,
                    "--connections", "" + connections, "--rate", "" + rate, "--seconds", "" + load.toSeconds(), "--ramp-seconds", "1", "--timeout-ms", "2000")));
            generator.awaitLine(l -> l.contains("\"held\""), deadline, "'held' line", out);
            generator.send("go");
            return Json.parseObject(generator.awaitLine(l -> l.contains("\"result\""), deadline, "'result' line", out));
        } finally {
            if (generator != null) generator.stop(l -> {});
            if (server != null) server.stop(l -> {});
        }
    }

    /** The unit of {@code /proc/PID/stat}'s CPU times (USER_HZ, 100 on Linux). */
    static final long TICKS_PER_SECOND = 100;

    /** The CPU time {@code pid} has used, user plus system (fields 14 and 15 of {@code /proc/PID/stat}), in ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");   // f[0] is field 3, the state
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Runs {@code jcmd PID command args...}, bounded by {@code deadline}; throws if it fails. */
    private static void jcmd(long pid, long deadline, String command, String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), "" + pid, command));
        c.addAll(List.of(args));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS) || p.exitValue() != 0)
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + new String(p.getInputStream().readNBytes(4096)));
        } finally {
            p.destroyForcibly();
        }
    }

    private static void deleteAll(Path dir) {
        if (dir == null) return;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary folder: the system cleans it up in the end
        }
    }

    /**
     * Runs {@code child}, its stdout and stderr merged, handing each line it prints to {@code lines} on the
     * calling thread; returns its exit code. If it has not ended after {@code limit}, stops it (see the class
     * comment) and throws {@link IllegalStateException}; if the calling thread is interrupted, stops it and
     * throws {@link InterruptedException}. Either way, no process of its family is left when this returns.
     */
    public static int run(ProcessBuilder child, Duration limit, Consumer<String> lines) throws InterruptedException {
        ChildProcess p = ChildProcess.start(child);
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (!p.outputEnded()) {
                if (System.nanoTime() - deadline >= 0) {
                    p.stop(lines);
                    throw new IllegalStateException("pid " + p.pid() + " was still running after " + limit.toSeconds() + " s: stopped it");
                }
                String line = p.nextLine(Math.min(deadline, System.nanoTime() + LOOK_EVERY.toNanos()));
                if (line != null) lines.accept(line);
                else if (!p.outputEnded() && !p.process().isAlive()) {  // ended; what it left may hold the pipe
                    for (long end = System.nanoTime() + GRACE.toNanos(); (line = p.nextLine(end)) != null; ) lines.accept(line);
                    break;
                }
            }
            if (!p.awaitExit(GRACE)) {                                   // its output has ended, so it is ending
                p.stop(lines);
                throw new IllegalStateException("pid " + p.pid() + " closed its output but did not exit: stopped it");
            }
            p.stop(lines);                                               // it has exited: kills what it left, and says so
            return p.process().exitValue();
        } catch (InterruptedException e) {
            p.stop(lines);
            throw e;
        }
    }

    /**
     * A member of a class of this package, quoted from its source file in the repository the library was
     * built in: the member whose declaration starts with {@code declaration} (its first line, stripped; the first
     * such line in the file), with the comment and annotations right above it, up to its closing brace (or its
     * semicolon). Headed by a comment naming the file and lines; indentation removed.
     *
     * @throws IllegalStateException if the sources are not there, or no line starts with {@code declaration}
     */
    public static String code(String simpleName, String declaration) {
        Path file = sources().resolve(simpleName + ".java");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int first = -1;
        for (int i = 0; i < lines.size() && first < 0; i++) if (lines.get(i).strip().startsWith(declaration)) first = i;
        if (first < 0) throw new IllegalStateException("no line of " + file.getFileName() + " starts with \"" + declaration + "\"");
        int last = end(lines, first), top = first;
        while (top > 0 && isCommentOrAnnotation(lines.get(top - 1).strip())) top--;
        int indent = lines.get(first).indexOf(lines.get(first).strip());
        StringBuilder b = new StringBuilder("// " + root().relativize(file) + ", lines " + (top + 1) + " to " + (last + 1) + "\n");
        for (String line : lines.subList(top, last + 1)) b.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        return b.toString();
    }

    /** The index of the line that ends the declaration starting at line {@code first}: its matching brace, or ';'. */
    private static int end(List<String> lines, int first) {
        int depth = 0;
        boolean opened = false;
        for (int i = first; i < lines.size(); i++) {
            String code = codeOnly(lines.get(i));
            for (char c : code.toCharArray()) {
                if (c == '{') { depth++; opened = true; }
                else if (c == '}') depth--;
            }
            if (opened && depth <= 0) return i;
            if (!opened && code.strip().endsWith(";")) return i;
        }
        return lines.size() - 1;
    }

    /** A line without its string and character literals and its // comment, so that their braces do not count. */
    private static String codeOnly(String line) {
        return line.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"").replaceAll("'(\\\\.|[^'\\\\])'", "''").replaceAll("//.*", "");
    }

    private static boolean isCommentOrAnnotation(String stripped) {
        return stripped.startsWith("/**") || stripped.startsWith("*") || stripped.startsWith("//") || stripped.startsWith("@");
    }

    /** The folder of this package's sources, in the repository the library was built in. */
    static Path sources() {
        return root().resolve(Path.of("lib", "src", "main", "java", "conclab", "c10k"));
    }

    /**
     * The repository of the course: the nearest folder at or above the library that holds this package's
     * sources, or else at or above the working folder.
     */
    static Path root() {
        Path lib = libraryLocation(), cwd = Path.of(System.getProperty("user.dir"));
        return repository(lib).or(() -> repository(cwd)).orElseThrow(() -> new IllegalStateException(
                "the library's sources are in no folder above " + lib + " or " + cwd
                        + ": read lib/src/main/java/conclab/c10k/ in the course's repository"));
    }

    /** The nearest folder at or above {@code from} that holds this package's sources. */
    static Optional<Path> repository(Path from) {
        for (Path dir = from.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(Path.of("lib", "src", "main", "java", "conclab", "c10k")))) return Optional.of(dir);
        }
        return Optional.empty();
    }

    /** The processes this JVM started that are still alive (children and theirs), each as "PID command". */
    public static List<String> leftovers() {
        return ProcessHandle.current().descendants().filter(h -> !ChildProcess.ended(h))
                .map(h -> h.pid() + " " + h.info().commandLine().orElse(h.info().command().orElse("?"))).toList();
    }

    /**
     * The TCP ports this JVM listens on (IPv4 and IPv6), from {@code /proc}: the sockets among its descriptors
     * ({@code /proc/self/fd}) whose row in {@code /proc/net/tcp} or {@code tcp6} is in state LISTEN. Empty where
     * there is no {@code /proc}.
     */
    public static List<Integer> listeningPorts() {
        java.util.Set<String> mine = new java.util.HashSet<>();
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString(); // socket:[INODE]
                    if (target.startsWith("socket:[")) mine.add(target.substring(8, target.length() - 1));
                } catch (IOException gone) {
                    // closed since the listing
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            return List.of();
        }
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String row : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                    String[] f = row.strip().split("\\s+"); // sl local remote st ... uid timeout inode
                    if (f.length > 9 && f[3].equals("0A") && mine.contains(f[9]))
                        ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
                }
            } catch (IOException e) {
                // no such table (no IPv6): nothing listens there
            }
        }
        return ports.stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "C10K lab in " + dist;
    }
}
