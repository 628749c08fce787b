package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import conclab.kernel.api.MagicResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plug-ins as a course ships them: jars compiled apart from the kernel, in a folder of their own, found with
 * {@code ServiceLoader}. Each test compiles its plug-in against the API on this test's class path.
 */
class PluginsTest {
    @TempDir
    Path dir;

    @Test
    void aPluginsMagicsStartupCodeAndClasspathArrive() throws Exception {
        List<Path> classpath = plugin("hello", "Hello", """
                public void register(Registry r) {
                    r.lineMagic("hello", "%hello NAME: greets", (ctx, args) -> MagicResult.text("hi " + args.getFirst()));
                    r.cellMagic("shout", "%%shout: the body in capitals", (ctx, args, body, line) -> MagicResult.text(body.toUpperCase()));
                    r.startupCode("int answer() { return 42; }");
                    r.lineMagic("where", "%where: the plug-in's jars", (ctx, args) -> MagicResult.text(r.classpath().toString()));
                }
                """);
        MagicTable table = new MagicTable();
        Plugins.Loaded loaded = Plugins.load(List.of(classpath), table);
        assertEquals(List.of(), loaded.problems());
        assertEquals(List.of("hello.Hello"), loaded.plugins());
        assertEquals(List.of("int answer() { return 42; }"), loaded.startupCode());
        assertEquals(Map.of("%hello", "%hello NAME: greets", "%%shout", "%%shout: the body in capitals",
                "%where", "%where: the plug-in's jars"), table.usages());
        CellContext ctx = new CellContext(new CellRun(1, 1, null, true, false), null, null);
        assertEquals("hi you", table.runLine(new Magics.Line("hello", List.of("you"), 1), ctx).value().get("text/plain"));
        assertEquals("ABC\n", table.runCell(new Magics.Cell("shout", List.of(), "abc\n", 1), ctx).value().get("text/plain"));
        assertEquals(classpath.toString(), table.runLine(new Magics.Line("where", List.of(), 1), ctx).value().get("text/plain"));
    }

    @Test
    void aPluginThatThrowsAddsNothingAndIsReported() throws Exception {
        List<Path> broken = plugin("broken", "Broken", """
                public void register(Registry r) {
                    r.lineMagic("half", "%half: registered before the throw", (ctx, args) -> MagicResult.NOTHING);
                    throw new IllegalStateException("no config");
                }
                """);
        MagicTable table = new MagicTable();
        Plugins.Loaded loaded = Plugins.load(List.of(broken), table);
        assertEquals(Map.of(), table.usages(), "what it registered before throwing is not added");
        assertEquals(1, loaded.problems().size());
        assertTrue(loaded.problems().getFirst().contains("broken.Broken failed to register")
                && loaded.problems().getFirst().contains("no config"), loaded.problems().getFirst());
    }

    @Test
    void aTakenNameIsLeftOutAndTheRestAdded() throws Exception {
        MagicTable table = new MagicTable();
        table.addLine("help", "%help: the kernel's", (ctx, args) -> MagicResult.NOTHING);
        List<Path> clash = plugin("clash", "Clash", """
                public void register(Registry r) {
                    r.lineMagic("help", "%help: mine", (ctx, args) -> MagicResult.NOTHING);
                    r.lineMagic("mine", "%mine: fine", (ctx, args) -> MagicResult.NOTHING);
                }
                """);
        Plugins.Loaded loaded = Plugins.load(List.of(clash), table);
        assertEquals("%help: the kernel's", table.usages().get("%help"), "a plug-in cannot replace a kernel magic");
        assertEquals("%mine: fine", table.usages().get("%mine"));
        assertEquals(1, loaded.problems().size());
        assertTrue(loaded.problems().getFirst().contains("%help is taken"), loaded.problems().getFirst());
    }

    @Test
    void aServicesFileNamingNoClassIsReportedNotThrown() throws Exception {
        Path jar = jarWith(dir.resolve("ghost/ghost.jar"), "META-INF/services/conclab.kernel.api.KernelPlugin", "ghost.NotThere\n");
        MagicTable table = new MagicTable();
        Plugins.Loaded loaded = Plugins.load(List.of(List.of(jar)), table);
        assertEquals(List.of(), loaded.plugins());
        assertEquals(1, loaded.problems().size());
        assertTrue(loaded.problems().getFirst().contains("cannot be loaded"), loaded.problems().getFirst());
    }

    @Test
    void aFolderWithoutAPluginOrWithoutJarsIsReported() throws Exception {
        Path jar = jarWith(dir.resolve("plain/plain.jar"), "README.txt", "");   // a jar, but no services file
        Plugins.Loaded loaded = Plugins.load(List.of(List.of(jar), List.of()), new MagicTable());
        assertEquals(2, loaded.problems().size(), loaded.problems().toString());
        assertTrue(loaded.problems().get(0).contains("no jar there names a conclab.kernel.api.KernelPlugin"), loaded.problems().get(0));
        assertTrue(loaded.problems().get(1).contains("could not be read, or holds no jar"), loaded.problems().get(1));
    }

    @Test
    void aMagicThatThrowsBecomesTheCellsErrorWithAHint() {
        MagicTable table = new MagicTable();
        table.addLine("bug", "%bug", (ctx, args) -> { throw new IllegalStateException("oops"); });
        Session.Result r = table.runLine(new Magics.Line("bug", List.of(), 1), null);
        assertEquals("MagicError", r.error().name());
        assertTrue(r.error().value().contains("%bug failed: java.lang.IllegalStateException: oops"), r.error().value());
        assertThrows(IllegalArgumentException.class, () -> table.addLine("9lives", "", (ctx, args) -> null));
    }

    @Test
    void codeMayAskForAPluginsMagicButNotForOneThatNeedsTheEngine() {
        MagicTable table = new MagicTable();
        table.addLine("plain", "%plain", (ctx, args) -> MagicResult.text("ok"));
        table.addCellOnlyLine("engine", "%engine", (ctx, args) -> MagicResult.text("reached"));
        CellContext ctx = new CellContext(new CellRun(1, 1, null, true, false), null, null);
        assertEquals("ok", table.runLineFromCode(new Magics.Line("plain", List.of(), 1), ctx).value().get("text/plain"));
        Session.Result refused = table.runLineFromCode(new Magics.Line("engine", List.of(), 1), ctx);
        assertNull(refused.value());
        assertTrue(refused.error().value().contains("%engine cannot be asked for by running code"), refused.error().value());
        assertEquals("reached", table.runLine(new Magics.Line("engine", List.of(), 1), ctx).value().get("text/plain"));
    }

    @Test
    void aMagicAskedForByCodeCannotRunCode() {
        CellContext ctx = new CellContext(new CellRun(1, 1, null, true, false), null, null);
        var e = assertThrows(conclab.kernel.api.MagicError.class, () -> ctx.eval("1+1", 1));
        assertTrue(e.getMessage().contains("cannot be asked for by running code"), e.getMessage());
    }

    /** Writes {@code jar} holding one entry, {@code name}, with {@code content}; returns it. */
    private static Path jarWith(Path jar, String name, String content) throws IOException {
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(name));
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    /** Compiles class {@code pkg.name} (implementing KernelPlugin with {@code body}) into its own folder's jar. */
    private List<Path> plugin(String pkg, String name, String body) throws IOException {
        Path src = dir.resolve("src/" + pkg + "/" + name + ".java"), classes = dir.resolve("classes-" + pkg);
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package " + pkg + ";\nimport conclab.kernel.api.*;\n"
                + "public class " + name + " implements KernelPlugin {\n" + body + "}\n");
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "the test plug-in compiles");
        Path jar = dir.resolve("plugins/" + pkg + "/" + pkg + ".jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/conclab.kernel.api.KernelPlugin"));
            out.write((pkg + "." + name + "\n").getBytes(StandardCharsets.UTF_8));
            try (var files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);  // leaves the jar stream open
                }
            }
        }
        return List.of(jar);
    }
}
