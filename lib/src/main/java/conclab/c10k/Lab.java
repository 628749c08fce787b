package conclab.c10k;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
    static final Duration GRACE = Duration.ofMillis(1500);
    /** How often a running child's descendants are noted. */
    private static final long LOOK_EVERY_MS = 250;

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
     * Runs the driver with {@code args} and {@code --json} to a temporary file, printing its lines, and
     * returns the results it wrote. Waits at most {@code limit}; see {@link #run} for what happens then.
     */
    public Results bench(Duration limit, String... args) throws InterruptedException {
        Path json = null;
        try {
            json = Files.createTempFile("c10k-lab-", ".json");
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--json", json.toString()));
            int exit = run(command(List.of(), DRIVER, all), limit, System.out::println);
            if (exit != 0) throw new IllegalStateException("the driver ended with exit code " + exit + ": its output above says why");
            return Results.read(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (json != null) json.toFile().delete();
        }
    }

    /**
     * Runs {@code child}, its stdout and stderr merged, handing each line it prints to {@code lines} on the
     * calling thread; returns its exit code. If it has not ended after {@code limit}, stops it (see the class
     * comment) and throws {@link IllegalStateException}; if the calling thread is interrupted, stops it and
     * throws {@link InterruptedException}. Either way, no process of its family is left when this returns.
     */
    public static int run(ProcessBuilder child, Duration limit, Consumer<String> lines) throws InterruptedException {
        Process p;
        try {
            p = child.redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + child.command().getFirst(), e);
        }
        BlockingQueue<Optional<String>> out = new LinkedBlockingQueue<>(); // Optional.empty(): end of the output
        Thread.ofPlatform().daemon().name("c10k-lab-output-" + p.pid()).start(() -> copyLines(p, out));
        Map<Long, ProcessHandle> family = new LinkedHashMap<>(); // every descendant seen, by pid
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stop(p, family.values(), lines);
                    throw new IllegalStateException("pid " + p.pid() + " was still running after " + limit.toSeconds() + " s: stopped it");
                }
                Optional<String> line = out.poll(Math.min(LOOK_EVERY_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1), TimeUnit.MILLISECONDS);
                p.descendants().forEach(h -> family.putIfAbsent(h.pid(), h)); // before the line is handed over
                if (line != null && line.isEmpty()) break;                    // the end of its output
                if (line != null) lines.accept(line.get());
                else if (!p.isAlive()) {                                      // ended; what it left may hold the pipe
                    drain(out, lines, GRACE);
                    break;
                }
            }
            if (!p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {          // its output has ended, so it is ending
                stop(p, family.values(), lines);
                throw new IllegalStateException("pid " + p.pid() + " closed its output but did not exit: stopped it");
            }
            int left = killAll(family.values());
            if (left > 0) lines.accept("[lab] pid " + p.pid() + " left " + left + " process(es) running: killed them");
            return p.exitValue();
        } catch (InterruptedException e) {
            stop(p, family.values(), lines);
            throw e;
        }
    }

    /** Hands the lines still in {@code out} to {@code lines}, until the end of the output or {@code limit}. */
    private static void drain(BlockingQueue<Optional<String>> out, Consumer<String> lines, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Optional<String> line; (line = out.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null && line.isPresent(); ) {
            lines.accept(line.get());
        }
    }

    /** Copies the lines of p's output into {@code out}, then Optional.empty(). Runs on the reader thread. */
    private static void copyLines(Process p, BlockingQueue<Optional<String>> out) {
        try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) out.add(Optional.of(line));
        } catch (IOException e) {
            // the stream was closed: no more lines
        } finally {
            out.add(Optional.empty());
        }
    }

    /**
     * Stops p: SIGTERM, the kill after {@link #GRACE}, then kills what is left of {@code family} and p's
     * descendants, and says in a line to {@code lines} what it did. Waits even when interrupted, keeping the
     * interrupt status.
     */
    static void stop(Process p, Iterable<ProcessHandle> family, Consumer<String> lines) {
        List<ProcessHandle> all = new ArrayList<>();
        family.forEach(all::add);
        p.descendants().filter(h -> !all.contains(h)).forEach(all::add);
        p.destroy();
        boolean byItself = awaitEnd(p.toHandle(), GRACE);
        if (!byItself) {
            p.destroyForcibly();
            awaitEnd(p.toHandle(), Duration.ofSeconds(5));
        }
        int left = killAll(all);
        lines.accept("[lab] stopped pid " + p.pid() + (byItself ? " with SIGTERM" : ", killed after " + GRACE.toMillis() + " ms")
                + (left == 0 ? "; none of its " + all.size() + " descendant(s) was left" : "; killed " + left + " descendant(s) it left"));
    }

    /**
     * Gives the processes of {@code handles} {@link #GRACE} to end (a parent that ended them may not have
     * waited for them), then kills those still alive and waits for each (bounded); returns how many it killed.
     */
    private static int killAll(Iterable<ProcessHandle> handles) {
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : handles) awaitEnd(h, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        int alive = 0;
        for (ProcessHandle h : handles) {
            if (!ended(h)) {
                alive++;
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : handles) awaitEnd(h, Duration.ofSeconds(5));
        return alive;
    }

    /**
     * Waits up to {@code limit} for {@code h} to end; whether it did. Keeps waiting when interrupted, keeping
     * the status. Looks every few milliseconds: a zombie has ended but has no exit to wait for.
     */
    private static boolean awaitEnd(ProcessHandle h, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean interrupted = false;
        try {
            while (!ended(h)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                try {
                    h.onExit().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // looked at again by the loop
                }
            }
            return true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@code h} has ended: gone, or a zombie (dead, not yet reaped by its new parent; an orphan's
     * parent is init, which here may take seconds to reap it, and Java counts a zombie as alive).
     */
    static boolean ended(ProcessHandle h) {
        if (!h.isAlive()) return true;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z"); // pid (comm) state ...
        } catch (IOException | RuntimeException e) {
            return !h.isAlive(); // no /proc (not Linux), or it has just gone
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
        return ProcessHandle.current().descendants().filter(h -> !ended(h))
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
