package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The build and the launcher name the files {@link Layout} names: the layout has one source, checked here. */
class LayoutTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();  // surefire runs in the module's folder

    @Test
    void theKernelsPomMakesTheLayout() throws Exception {
        String pom = Files.readString(MODULE.resolve("pom.xml"));
        assertTrue(pom.contains("<outputFile>${project.build.directory}/dist/" + Layout.KERNEL_JAR + "</outputFile>"));
        assertTrue(pom.contains("<outputDirectory>${project.build.directory}/dist/" + Layout.LIB_FOLDER + "</outputDirectory>"));
        assertTrue(pom.contains("<outputDirectory>${project.build.directory}/dist/" + Layout.PLUGINS_FOLDER + "/grader</outputDirectory>"));
        // the engine and the library are copied with their versions stripped: conclab-engine.jar, conclab-lib.jar
        assertTrue(pom.contains("<stripVersion>true</stripVersion>"));
        for (String jar : new String[] {Layout.ENGINE_JAR, Layout.LIB_JAR}) {
            assertTrue(pom.contains("<artifactId>" + jar.replace(".jar", "") + "</artifactId>"), jar);
        }
    }

    @Test
    void theLauncherFindsTheJarsWhereTheLayoutPutsThem() throws Exception {
        String launcher = Files.readString(MODULE.getParent().resolve("conclab"));
        assertTrue(launcher.contains("DIST=\"$ROOT/kernel/target/dist\""));
        assertTrue(launcher.contains("\"$DIST/" + Layout.KERNEL_JAR + "\""));
        assertTrue(launcher.contains("\"$DIST/" + Layout.LIB_JAR + "\""));
    }

    @Test
    void theEngineClasspathIsTheEngineTheLibraryAndItsDependencies() {
        Layout layout = new Layout(Path.of("/k"));
        assertEquals(String.join(java.io.File.pathSeparator, "/k/conclab-engine.jar", "/k/conclab-lib.jar", "/k/lib/*.jar"),
                layout.engineClasspath());
        assertEquals(Path.of("/k/plugins"), layout.plugins());
    }
}
