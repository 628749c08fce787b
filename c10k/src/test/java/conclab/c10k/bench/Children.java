package conclab.c10k.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

/** What the tests check after each test: no process started by it is left. */
final class Children {
    private Children() {}

    /** Fails, naming them, if this JVM has live child processes (each has ended before its test returned). */
    static void assertNoneLeft() {
        List<String> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
        assertEquals(List.of(), left, "child processes left");
    }
}
