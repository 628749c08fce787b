package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstallerTest {
    @Test
    void kernelJsonRunsThisJavaWithMessageInterrupts() {
        var spec = JsonParser.parseString(Installer.kernelJson(Path.of("/k/conclab"), Map.of("CONCLAB_TIMEOUT", "60"))).getAsJsonObject();
        var argv = spec.getAsJsonArray("argv");
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0).getAsString());
        assertTrue(Path.of(argv.get(0).getAsString()).isAbsolute());
        assertEquals("/k/conclab/conclab-kernel.jar", argv.get(argv.size() - 2).getAsString());
        assertEquals("{connection_file}", argv.get(argv.size() - 1).getAsString());
        assertEquals("Java 25 (conclab)", spec.get("display_name").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals("60", spec.getAsJsonObject("env").get("CONCLAB_TIMEOUT").getAsString());
    }

    @Test
    void badArgumentsGetUsageNotAStackTrace() {
        assertEquals(2, Installer.run(new String[] {"--prefix"}));
        assertEquals(2, Installer.run(new String[] {"--name", "a b"}));
        assertEquals(2, Installer.run(new String[] {"--frobnicate"}));
    }

    @Test
    void theUserDataFolderFollowsJupyter() {
        Path dir = Installer.userDataDir();
        assertTrue(dir.endsWith("jupyter") || dir.endsWith("Jupyter") || System.getenv("JUPYTER_DATA_DIR") != null, dir.toString());
    }
}
