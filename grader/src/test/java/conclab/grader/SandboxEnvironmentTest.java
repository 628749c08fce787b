package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A check's processes do not get the grader's JVM options from its environment. */
class SandboxEnvironmentTest {
    @Test
    void theVariablesAJvmReadsOptionsFromAreDropped() {
        Map<String, String> env = new HashMap<>(Map.of("JAVA_TOOL_OPTIONS", "-javaagent:spy.jar", "_JAVA_OPTIONS", "-Xmx1m",
                "JDK_JAVA_OPTIONS", "-Dos.name=Darwin", "JDK_JAVAC_OPTIONS", "-Werror", "CLASSPATH", "/elsewhere",
                "PATH", "/usr/bin", "LANG", "C.UTF-8"));
        Sandbox.clean(env);
        assertEquals(Map.of("PATH", "/usr/bin", "LANG", "C.UTF-8"), env);
    }
}
