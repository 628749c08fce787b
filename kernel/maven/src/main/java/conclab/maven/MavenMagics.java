package conclab.maven;

import conclab.kernel.api.ClasspathPatterns;
import conclab.kernel.api.KernelPlugin;
import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicError;
import conclab.kernel.api.MagicResult;
import conclab.kernel.api.Registry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The magics of the IJava line, as a kernel plug-in, with IJava's syntax and meaning:
 * <ul>
 *   <li>{@code %maven GROUP:ARTIFACT:VERSION...}: the artifacts and their runtime dependencies, resolved from Maven
 *       Central (and the repositories added with {@code %mavenRepo}) through the user's {@code settings.xml};
 *   <li>{@code %mavenRepo ID URL}: one more repository for later resolutions;
 *   <li>{@code %jars GLOB...}: jars from the disk, relative to the notebook's folder;
 *   <li>{@code %%loadFromPOM}: the dependencies (and repositories) of a POM or of a fragment of one.
 * </ul>
 * What they add goes on the class path of the compiler and the engine, and of every engine started later, all in
 * one step once everything is found: a failure adds nothing.
 *
 * <p>Maven Resolver is loaded the first time one of these magics runs ({@link Resolver} is the only class that
 * names its types), so the kernel starts as fast with this plug-in as without it. The magics run on the kernel's
 * shell thread; the repositories are kept in a copy-on-write list, since {@code %help} may read them from another.
 */
public final class MavenMagics implements KernelPlugin {
    /** Repositories added with %mavenRepo, in order; kept for the kernel's life (restarts included). */
    private final List<Repository> repositories = new CopyOnWriteArrayList<>();
    /** The settings file to read instead of {@code ~/.m2/settings.xml}, or null. */
    private final Path settings;

    /**
     * The public no-argument constructor {@link java.util.ServiceLoader} needs: the settings file is
     * {@code CONCLAB_MAVEN_SETTINGS} if set (for tests, and set-ups whose settings live elsewhere).
     */
    public MavenMagics() {
        this(System.getenv("CONCLAB_MAVEN_SETTINGS") == null || System.getenv("CONCLAB_MAVEN_SETTINGS").isBlank()
                ? null : Path.of(System.getenv("CONCLAB_MAVEN_SETTINGS")));
    }

    MavenMagics(Path settings) {
        this.settings = settings;
    }

    @Override
    public void register(Registry registry) {
        registry.lineMagic("maven", "%maven GROUP:ARTIFACT:VERSION...: add artifacts from Maven Central (or a repository"
                + " of %mavenRepo) and their runtime dependencies to the class path", this::maven);
        registry.lineMagic("mavenRepo", "%mavenRepo ID URL: resolve later %maven artifacts from this repository too",
                this::mavenRepo);
        registry.lineMagic("jars", "%jars GLOB...: add jars from the disk (relative to the notebook's folder)", this::jars);
        registry.cellMagic("loadFromPOM", "%%loadFromPOM: add the dependencies of the POM (or <dependencies> block) in"
                + " the cell", (ctx, args, body, line) -> loadFromPom(ctx, body));
    }

    MagicResult maven(MagicContext ctx, List<String> coordinates) throws MagicError {
        if (coordinates.isEmpty()) {
            throw new MagicError("%maven needs an artifact", "Example: %maven com.google.code.gson:gson:2.13.2");
        }
        return add(ctx, Resolver.resolve(coordinates, repositories, settings));
    }

    MagicResult mavenRepo(MagicContext ctx, List<String> args) throws MagicError {
        if (args.size() != 2) {
            throw new MagicError("%mavenRepo needs an id and a URL", "Example: %mavenRepo jitpack https://jitpack.io");
        }
        Repository repo = Repository.of(args.get(0), args.get(1));
        repositories.removeIf(r -> r.id().equals(repo.id()));
        repositories.add(repo);
        ctx.print("Repository " + repo.id() + " (" + repo.url() + ") added for %maven.\n");
        return MagicResult.NOTHING;
    }

    MagicResult jars(MagicContext ctx, List<String> globs) throws MagicError {
        if (globs.isEmpty()) throw new MagicError("%jars needs a path or a glob", "Example: %jars lib/*.jar");
        List<Path> found = new ArrayList<>();
        for (String glob : globs) {
            List<Path> matches = expand(Path.of("").toAbsolutePath(), glob);
            if (matches.isEmpty()) {
                throw new MagicError("%jars: no jar matches " + glob, "Paths are relative to "
                        + Path.of("").toAbsolutePath() + " (the notebook's folder).");
            }
            found.addAll(matches);
        }
        return add(ctx, found);
    }

    MagicResult loadFromPom(MagicContext ctx, String body) throws MagicError {
        Pom pom = Pom.parse(body);
        if (!pom.skipped().isEmpty()) ctx.print("Not added, by their scope: " + String.join(", ", pom.skipped()) + "\n");
        List<Repository> all = new ArrayList<>(repositories);
        all.addAll(pom.repositories());
        return add(ctx, Resolver.resolve(pom.dependencies(), all, settings));
    }

    private static MagicResult add(MagicContext ctx, List<Path> jars) throws MagicError {
        List<Path> added = ctx.addToClasspath(jars);
        int already = jars.size() - added.size();
        StringBuilder b = new StringBuilder();
        for (Path p : added) b.append("Added ").append(p).append('\n');
        if (already > 0) b.append(already).append(" jar(s) already on the class path.\n");
        ctx.print(b.toString());
        return MagicResult.NOTHING;
    }

    /**
     * The files that {@code glob} names, as {@code %classpath} finds them ({@link ClasspathPatterns}: a path, or a glob
     * in its last part, relative to {@code base}, {@code ~} the home folder), without the folders; sorted.
     */
    static List<Path> expand(Path base, String glob) {
        return ClasspathPatterns.expand(glob, base).stream().map(Path::of).filter(Files::isRegularFile).toList();
    }
}
