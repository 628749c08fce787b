package conclab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JShellCommandTest {
    @Test
    void anOptionAndItsValueBecomeOneWordForJshellsDashRAndDashC() {
        assertEquals(List.of("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED", "-Xmx2g", "--enable-preview",
                        "--enable-native-access=ALL-UNNAMED"),
                JShellCommand.joined(List.of("--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", "-Xmx2g",
                        "--enable-preview", "--enable-native-access=ALL-UNNAMED")));
    }

    @Test
    void theImportsAreTheNotebooksButTheDisplayApis() {
        String imports = JShellCommand.imports();
        assertTrue(imports.contains("import java.util.concurrent.*;"));
        assertFalse(imports.contains("conclab.kernel.notebook"));
        assertEquals(Options.IMPORTS.strip().split("\n").length - 1, imports.strip().split("\n").length);
    }
}
