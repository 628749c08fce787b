package conclab.maven;

import conclab.kernel.api.MagicError;
import eu.maveniverse.maven.mima.context.Context;
import eu.maveniverse.maven.mima.context.ContextOverrides;
import eu.maveniverse.maven.mima.context.Runtimes;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves artifacts and their runtime dependencies to jars in the local repository, with Maven Resolver through
 * MIMA. MIMA builds the resolver as Maven would from the user's {@code settings.xml} (its local repository,
 * mirrors, proxies and credentials), or from another settings file if one is given. The only class of
 * the plug-in that names the resolver's types, so that they are loaded at the first resolution.
 */
final class Resolver {
    private Resolver() {}

    /**
     * The jars of {@code coordinates} ({@code group:artifact[:extension[:classifier]]:version}) and of their
     * runtime dependencies, resolved from Maven Central (as the settings mirror it) and {@code extra}; all or none.
     * {@code settings} is the settings file to read instead of {@code ~/.m2/settings.xml}, or null.
     */
    static List<Path> resolve(List<String> coordinates, List<Repository> extra, Path settings) throws MagicError {
        List<Artifact> artifacts = new ArrayList<>();
        for (String c : coordinates) artifacts.add(artifact(c));
        ContextOverrides.Builder overrides = ContextOverrides.create().withUserSettings(true);
        if (settings != null) overrides.withUserSettingsXmlOverride(settings);
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        // MIMA finds its runtime with ServiceLoader on the context class loader: the kernel's cannot see this
        // plug-in's jars.
        thread.setContextClassLoader(Resolver.class.getClassLoader());
        List<RemoteRepository> repositories = List.of();
        try (Context context = Runtimes.INSTANCE.getRuntime().create(overrides.build())) {
            RepositorySystem system = context.repositorySystem();
            RepositorySystemSession session = context.repositorySystemSession();
            List<RemoteRepository> named = new ArrayList<>(context.remoteRepositories());
            for (Repository r : extra) named.add(new RemoteRepository.Builder(r.id(), "default", r.url()).build());
            repositories = system.newResolutionRepositories(session, named); // mirrors, proxies, credentials
            CollectRequest collect = new CollectRequest();
            for (Artifact a : artifacts) collect.addDependency(new Dependency(a, JavaScopes.RUNTIME));
            collect.setRepositories(repositories);
            DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            Set<Path> jars = new LinkedHashSet<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults()) {
                File file = r.getArtifact().getFile();
                if (file != null && file.getName().endsWith(".jar")) jars.add(file.toPath());
            }
            return List.copyOf(jars);
        } catch (DependencyResolutionException e) {
            throw new MagicError("cannot resolve " + String.join(" ", coordinates) + ": " + cause(e)
                    + " Repositories tried: " + String.join(", ", repositories.stream()
                    .map(r -> r.getId() + " (" + r.getUrl() + ")").toList()) + ". Nothing was added.",
                    "Check the coordinates (group:artifact:version) on https://central.sonatype.com; behind a proxy or"
                            + " a mirror, ~/.m2/settings.xml says how to reach them.");
        } catch (RuntimeException e) { // a settings.xml that cannot be read, a runtime that cannot start
            throw new MagicError("Maven Resolver could not start: " + e.getMessage() + ". Nothing was added.",
                    "Check ~/.m2/settings.xml (or CONCLAB_MAVEN_SETTINGS).");
        } finally {
            thread.setContextClassLoader(caller);
        }
    }

    private static Artifact artifact(String coordinates) throws MagicError {
        try {
            return new DefaultArtifact(coordinates);
        } catch (IllegalArgumentException e) {
            throw new MagicError("not an artifact: " + coordinates + " (write group:artifact:version)",
                    "Example: %maven com.google.code.gson:gson:2.13.2");
        }
    }

    /** The innermost message of a resolution failure, which names the artifact and the repository. */
    private static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return m.endsWith(".") ? m : m + ".";
    }
}
