package conclab.c10k.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the benchmark starts, and from where: the server JVM of each kind and the load generator's JVM.
 *
 * <p>The lib's servers ({@code conclab.c10k.Serve KIND}) run from the lib jar alone; Netty's server and the
 * generator from the c10k module's dist folder ({@code conclab-c10k.jar} and {@code lib/*.jar}, which hold
 * the lib jar too). Every server JVM gets the same {@link #SERVER_FLAGS}, so that what differs between them is
 * the server's code. The main classes are components so that tests can start stand-ins of their own.
 *
 * @param libClasspath  the classpath of {@code serveMain}
 * @param c10kClasspath the classpath of {@code nettyMain} and {@code generatorMain}
 * @param serveMain     {@code conclab.c10k.Serve}: {@code KIND --port 0}
 * @param nettyMain     {@code conclab.c10k.netty.NettyServe}: {@code nio|epoll --threads T --port 0}
 * @param generatorMain {@code conclab.c10k.load.LoadGenerator}: {@code --port P --connections N ...}
 */
record Launch(String libClasspath, String c10kClasspath, String serveMain, String nettyMain, String generatorMain) {

    /** The servers' kinds, in the order of the report: the lib's (bare is the floor), then Netty's. */
    static final List<String> SERVERS = List.of("threads", "pool", "loop", "loops", "bare", "virtual",
            "netty-nio-1", "netty-nio-2", "netty-epoll-1", "netty-epoll-2");

    /** The flags of every server JVM: the same heap, collector and Native Memory Tracking for all. */
    static final List<String> SERVER_FLAGS =
            List.of("-Xms128m", "-Xmx1g", "-XX:+UseG1GC", "-XX:NativeMemoryTracking=summary");

    /** The generator's flags: room for 10,000 connections' buffers and histograms. */
    static final List<String> GENERATOR_FLAGS = List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC");

    static final String SERVE = "conclab.c10k.Serve", NETTY = "conclab.c10k.netty.NettyServe",
            GENERATOR = "conclab.c10k.load.LoadGenerator";

    /**
     * The real servers and generator, from a dist folder laid out as {@code c10k/target/dist}. Throws
     * {@link IllegalArgumentException}, saying what is missing, if it is not one.
     */
    static Launch fromDist(Path dist) {
        Path c10k = dist.resolve("conclab-c10k.jar");
        if (!Files.isRegularFile(c10k)) throw new IllegalArgumentException(c10k + " is missing");
        try (Stream<Path> jars = Files.list(dist.resolve("lib"))) {
            Path lib = jars.filter(p -> p.getFileName().toString().matches("conclab-lib.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no conclab-lib jar in " + dist.resolve("lib")));
            return new Launch(lib.toString(), c10k + ":" + dist.resolve("lib") + "/*", SERVE, NETTY, GENERATOR);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dist.resolve("lib") + ": " + e.getMessage(), e);
        }
    }

    /** The real servers and generator, all from one classpath (the tests': the reactor's class folders). */
    static Launch fromClasspath(String classpath) {
        return new Launch(classpath, classpath, SERVE, NETTY, GENERATOR);
    }

    /** Whether {@code kind} is a server's name. */
    static boolean known(String kind) {
        return SERVERS.contains(kind);
    }

    /**
     * Starts the server of {@code kind} on a free port: {@code netty-T-K} is Netty on transport T with K
     * event-loop threads, any other kind a lib server. It prints {@code listening on 127.0.0.1:PORT} when
     * ready and ends when its stdin is closed. Throws {@link UncheckedIOException} if java cannot be started.
     */
    Child server(String kind) {
        if (kind.startsWith("netty-")) {
            String[] parts = kind.split("-"); // netty, transport, threads
            return Child.jvm(SERVER_FLAGS, c10kClasspath, nettyMain, List.of(parts[1], "--threads", parts[2], "--port", "0"));
        }
        return Child.jvm(SERVER_FLAGS, libClasspath, serveMain, List.of(kind, "--port", "0"));
    }

    /** Starts the load generator with {@code args}: its JSON lines on stdout, its go signal on stdin. */
    Child generator(List<String> args) {
        return Child.jvm(GENERATOR_FLAGS, c10kClasspath, generatorMain, new ArrayList<>(args));
    }
}
