package conclab.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicError;
import conclab.kernel.api.MagicResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The magics against a file:// repository that only a settings.xml mirror leads to (Maven Central is never
 * reached): greeting-app 1.0 depends on greeting-lib 1.0. The local repository is the settings' own, in a
 * temporary folder.
 */
class MavenMagicsTest {
    @TempDir
    static Path dir;
    static Path settings;

    /** A context that records what is added to the class path and printed. */
    static final class Recording implements MagicContext {
        final List<List<Path>> added = new ArrayList<>();
        final StringBuilder printed = new StringBuilder();

        public MagicResult eval(String code, int line) { return MagicResult.NOTHING; }
        public List<Path> addToClasspath(List<Path> paths) { added.add(paths); return paths; }
        public void print(String text) { printed.append(text); }
        public String display(Map<String, String> bundle) { return "d"; }
        public void updateDisplay(String displayId, Map<String, String> bundle) {}
        public boolean isStopping() { return false; }
    }

    @BeforeAll
    static void repository() throws IOException {
        Path repo = dir.resolve("repo");
        publish(repo, "greeting-lib", "");
        publish(repo, "greeting-app", """
                  <dependencies>
                    <dependency><groupId>com.example</groupId><artifactId>greeting-lib</artifactId><version>1.0</version></dependency>
                    <dependency><groupId>com.example</groupId><artifactId>only-for-tests</artifactId><version>1.0</version><scope>test</scope></dependency>
                  </dependencies>
                """);
        settings = Files.writeString(dir.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror><id>test-mirror</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(dir.resolve("local"), repo.toUri()));
    }

    /** Writes com.example:NAME:1.0 (a jar with one entry, and a POM with {@code dependencies}) into {@code repo}. */
    static void publish(Path repo, String name, String dependencies) throws IOException {
        Path folder = Files.createDirectories(repo.resolve("com/example/" + name + "/1.0"));
        try (OutputStream out = Files.newOutputStream(folder.resolve(name + "-1.0.jar"));
             JarOutputStream jar = new JarOutputStream(out)) {
            jar.putNextEntry(new JarEntry(name + ".txt"));
            jar.write(name.getBytes());
        }
        Files.writeString(folder.resolve(name + "-1.0.pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId><artifactId>%s</artifactId><version>1.0</version>
                %s</project>
                """.formatted(name, dependencies));
    }

    static List<String> names(List<Path> jars) {
        return jars.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** A class loader that says which classes it has loaded. */
    static final class Watching extends java.net.URLClassLoader {
        Watching(java.net.URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }

    /** The kernel's start pays nothing for Maven Resolver: registering loads none of its classes, nor Resolver. */
    @Test
    void registeringLoadsNoClassOfTheResolver() throws Exception {
        List<java.net.URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            urls.add(Path.of(entry).toUri().toURL());
        }
        try (Watching loader = new Watching(urls.toArray(java.net.URL[]::new))) {
            Class<?> api = loader.loadClass("conclab.kernel.api.KernelPlugin");
            Object plugin = java.util.ServiceLoader.load(api, loader).findFirst().orElseThrow();
            Class<?> registry = loader.loadClass("conclab.kernel.api.Registry");
            Object recording = java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] {registry}, (proxy, m, args) -> null);
            api.getMethod("register", registry).invoke(plugin, recording);
            assertTrue(loader.loaded("conclab.maven.MavenMagics"));
            assertTrue(!loader.loaded("conclab.maven.Resolver"), "Resolver is loaded at registration");
            assertTrue(!loader.loaded("org.eclipse.aether.RepositorySystem"), "Maven Resolver is loaded at registration");
            assertTrue(!loader.loaded("eu.maveniverse.maven.mima.context.Runtimes"), "MIMA is loaded at registration");
        }
    }

    @Test
    void anArtifactComesWithItsRuntimeDependenciesThroughTheMirror() throws Exception {
        List<Path> jars = Resolver.resolve(List.of("com.example:greeting-app:1.0"), List.of(), settings);
        assertEquals(List.of("greeting-app-1.0.jar", "greeting-lib-1.0.jar"), names(jars));
        for (Path jar : jars) assertTrue(jar.startsWith(dir.resolve("local")), jar + " is in the settings' local repository");
    }

    @Test
    void aMissingArtifactNamesItselfAndTheRepositoriesAndAddsNothing() {
        Recording ctx = new Recording();
        MagicError e = assertThrows(MagicError.class,
                () -> new MavenMagics(settings).maven(ctx, List.of("com.example:greeting-app:1.0", "com.example:nowhere:2.0")));
        assertTrue(e.getMessage().contains("com.example:nowhere"), e.getMessage());
        assertTrue(e.getMessage().contains("test-mirror (" + dir.resolve("repo").toUri()), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was added"), e.getMessage());
        assertEquals(List.of(), ctx.added, "nothing half-added");
    }

    @Test
    void mavenAddsEveryJarInOneStep() throws Exception {
        Recording ctx = new Recording();
        new MavenMagics(settings).maven(ctx, List.of("com.example:greeting-app:1.0"));
        assertEquals(1, ctx.added.size());
        assertEquals(List.of("greeting-app-1.0.jar", "greeting-lib-1.0.jar"), names(ctx.added.getFirst()));
        assertTrue(ctx.printed.toString().contains("Added " + ctx.added.getFirst().getFirst()), ctx.printed.toString());
    }

    @Test
    void aRepositoryAddedWithMavenRepoIsSearchedToo(@TempDir Path other) throws Exception {
        publish(other, "elsewhere", "");
        // Central itself is mirrored to an empty folder, so that the test never reaches the network.
        Path centralNowhere = Files.writeString(other.resolve("settings.xml"), """
                <settings><localRepository>%s</localRepository>
                  <mirrors><mirror><id>no-central</id><mirrorOf>central</mirrorOf><url>%s</url></mirror></mirrors>
                </settings>""".formatted(other.resolve("local"), Files.createDirectories(other.resolve("empty")).toUri()));
        MavenMagics magics = new MavenMagics(centralNowhere);
        Recording ctx = new Recording();
        magics.mavenRepo(ctx, List.of("mine", other.toUri().toString()));
        magics.maven(ctx, List.of("com.example:elsewhere:1.0"));
        assertEquals(List.of("elsewhere-1.0.jar"), names(ctx.added.getFirst()));
        assertThrows(MagicError.class, () -> magics.mavenRepo(ctx, List.of("bad id", "https://x")));
        assertThrows(MagicError.class, () -> magics.mavenRepo(ctx, List.of("ftp", "ftp://x")));
    }

    @Test
    void loadFromPomReadsDependenciesWithTheirPropertiesAndSkipsTestScope() throws Exception {
        Recording ctx = new Recording();
        new MavenMagics(settings).loadFromPom(ctx, """
                <properties><app.version>1.0</app.version></properties>
                <dependencies>
                  <dependency><groupId>com.example</groupId><artifactId>greeting-app</artifactId><version>${app.version}</version></dependency>
                  <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.14.4</version><scope>test</scope></dependency>
                </dependencies>
                """);
        assertEquals(List.of("greeting-app-1.0.jar", "greeting-lib-1.0.jar"), names(ctx.added.getFirst()));
        assertTrue(ctx.printed.toString().contains("Not added, by their scope: org.junit.jupiter:junit-jupiter (scope test)"), ctx.printed.toString());
    }

    @Test
    void aPomItCannotUseSaysWhy() {
        assertTrue(assertThrows(MagicError.class, () -> Pom.parse("<dependencies><dependency>")).getMessage().contains("not XML"));
        assertTrue(assertThrows(MagicError.class, () -> Pom.parse(
                "<dependency><groupId>a</groupId><artifactId>b</artifactId></dependency>")).getMessage().contains("needs groupId, artifactId and version"));
        assertTrue(assertThrows(MagicError.class, () -> Pom.parse("<properties/>")).getMessage().contains("no <dependency>"));
        assertTrue(assertThrows(MagicError.class, () -> Pom.parse(
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><dependencies/>")).getMessage().contains("not XML"));
    }

    @Test
    void aWholePomWithRepositoriesAndAClassifier() throws Exception {
        Pom pom = Pom.parse("""
                <?xml version="1.0"?>
                <project>
                  <repositories><repository><id>jitpack</id><url>https://jitpack.io</url></repository></repositories>
                  <dependencies>
                    <dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version><classifier>linux</classifier></dependency>
                  </dependencies>
                </project>
                """);
        assertEquals(List.of("g:a:jar:linux:1"), pom.dependencies());
        assertEquals(List.of(new Repository("jitpack", "https://jitpack.io")), pom.repositories());
    }

    @Test
    void jarsTakesPathsAndGlobsAndSaysWhenNothingMatches(@TempDir Path folder) throws Exception {
        Files.createFile(folder.resolve("a.jar"));
        Files.createFile(folder.resolve("b.jar"));
        Files.createFile(folder.resolve("c.txt"));
        assertEquals(List.of(folder.resolve("a.jar"), folder.resolve("b.jar")), MavenMagics.expand(folder, "*.jar"));
        assertEquals(List.of(folder.resolve("c.txt")), MavenMagics.expand(folder, "c.txt"));
        assertEquals(List.of(), MavenMagics.expand(folder, "nothing/*.jar"));
        Recording ctx = new Recording();
        assertThrows(MagicError.class, () -> new MavenMagics(settings).jars(ctx, List.of("/no/such/*.jar")));
        assertThrows(MagicError.class, () -> new MavenMagics(settings).maven(ctx, List.of("not-coordinates")));
    }
}
