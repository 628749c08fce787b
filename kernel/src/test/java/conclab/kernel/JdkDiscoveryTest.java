package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's JDK discovery ({@code ./conclab jdk}), run against fake JDKs: folders with a {@code release}
 * file and {@code bin/java} and {@code bin/javac} scripts.
 */
class JdkDiscoveryTest {
    static final Path SCRIPT = Path.of(System.getProperty("user.dir")).getParent().resolve("conclab");

    @TempDir
    Path root;

    Path fakeJdk(String name, String version) throws Exception {
        Path home = root.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Fake\"\nJAVA_VERSION=\"" + version + "\"\n");
        for (String tool : new String[] {"java", "javac"}) {
            Path p = home.resolve("bin").resolve(tool);
            Files.writeString(p, "#!/bin/sh\necho 'openjdk version \"" + version + "\"' >&2\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    record Outcome(int code, String out, String err) {}

    Outcome findJdk(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), "jdk");
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("PATH", "/usr/bin:/bin");
        e.put("HOME", root.toString());
        e.put("CONCLAB_JDK_SEARCH_PATH", root.resolve("jvm") + "/*");
        e.putAll(env);
        pb.redirectError(root.resolve("err.txt").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Outcome(p.exitValue(), out, Files.readString(root.resolve("err.txt")));
    }

    @Test
    void javaHomeComesFirstWhenItIs25() throws Exception {
        Path jdk = fakeJdk("jvm/chosen-25", "25.0.3");
        fakeJdk("jvm/other-25", "25.0.1");
        assertEquals(jdk.toString(), findJdk(Map.of("JAVA_HOME", jdk.toString())).out());
    }

    @Test
    void anOlderJavaHomeOrPathIsPassedOver() throws Exception {
        Path old = fakeJdk("jdk-17", "17.0.15");
        Path jdk = fakeJdk("jvm/temurin-25", "25.0.3");
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", old.toString());
        env.put("PATH", old.resolve("bin") + ":/usr/bin:/bin");
        assertEquals(jdk.toString(), findJdk(env).out());
    }

    @Test
    void theJavaOnThePathIsUsed() throws Exception {
        Path jdk = fakeJdk("somewhere/jdk-25", "25");
        assertEquals(jdk.toString(), findJdk(Map.of("PATH", jdk.resolve("bin") + ":/usr/bin:/bin")).out());
    }

    @Test
    void aCondaEnvironmentIsSearched() throws Exception {
        Path env = root.resolve("conda");
        Path jdk = fakeJdk("conda/lib/jvm", "25.0.2");
        assertEquals(jdk.toString(), findJdk(Map.of("CONDA_PREFIX", env.toString())).out());
    }

    @Test
    void aNewerJdkIsTakenWithANoteWhenThereIsNo25() throws Exception {
        Path jdk = fakeJdk("jvm/jdk-26", "26.0.1");
        Outcome o = findJdk(Map.of());
        assertEquals(0, o.code());
        assertEquals(jdk.toString(), o.out());
        assertTrue(o.err().contains("no JDK 25 found"), o.err());
    }

    @Test
    void withoutAJdkItSaysWhatToDo() throws Exception {
        fakeJdk("jvm/jdk-21", "21.0.5");
        Files.createDirectories(root.resolve("jvm/just-a-jre/bin"));
        Outcome o = findJdk(Map.of());
        assertEquals(1, o.code());
        assertEquals("", o.out());
        assertTrue(o.err().contains("no JDK 25 found"), o.err());
        assertTrue(o.err().contains("JAVA_HOME"), o.err());
        assertTrue(o.err().contains("adoptium"), o.err());
    }
}
