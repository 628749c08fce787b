package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's cache of woven classes: a hit only for the same class bytes and the same weaver, and no harm done by a bad file. */
class WovenCacheTest {
    private static final byte[] WEAVER = "agent 1".getBytes(), CLASS = {1, 2, 3, 4};
    private final AtomicInteger weaves = new AtomicInteger();
    /** A stand-in weaver that counts its calls and appends a marker to the bytes. */
    private final UnaryOperator<byte[]> weave = bytes -> {
        weaves.incrementAndGet();
        byte[] out = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        out[bytes.length] = 9;
        return out;
    };

    @Test
    void aClassIsWovenOnceAndThenReadBack(@TempDir Path dir) {
        byte[] first = new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave);
        byte[] again = new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave); // as at the next start
        assertArrayEquals(new byte[] {1, 2, 3, 4, 9}, first);
        assertArrayEquals(first, again);
        assertEquals(1, weaves.get(), "the second start reads the woven class instead of weaving it");
    }

    @Test
    void theFilesAreReadableByEveryUserAsTheJarsAre(@TempDir Path dir) throws Exception {
        new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave);
        try (var files = Files.list(dir)) {
            Path file = files.findFirst().orElseThrow();
            assertTrue(Files.getPosixFilePermissions(file).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                    "an image's root installs, another user's engine reads: " + Files.getPosixFilePermissions(file));
        }
    }

    @Test
    void otherClassBytesOrAnotherWeaverMissAndReplaceTheFile(@TempDir Path dir) throws Exception {
        new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave);
        assertArrayEquals(new byte[] {5, 6, 9}, new WovenCache(dir, WEAVER).woven("java/util/Timer", new byte[] {5, 6}, weave));
        new WovenCache(dir, "agent 2".getBytes()).woven("java/util/Timer", new byte[] {5, 6}, weave);
        assertEquals(3, weaves.get(), "a new JDK (other class bytes) and a new agent both weave again");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "one file per class, replaced: the folder does not grow with each JDK");
        }
    }

    @Test
    void aDamagedFileIsAMissNotAnError(@TempDir Path dir) throws Exception {
        new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave);
        Path file;
        try (var files = Files.list(dir)) {
            file = files.findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 2)); // cut short, as by a full disk
        assertArrayEquals(new byte[] {1, 2, 3, 4, 9}, new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave));
        Files.writeString(file, "not a woven class");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 9}, new WovenCache(dir, WEAVER).woven("java/util/Timer", CLASS, weave));
        assertEquals(3, weaves.get());
    }

    @Test
    void withoutAFolderOrAWritableOneItWeavesEveryTime(@TempDir Path dir) throws Exception {
        new WovenCache(null, WEAVER).woven("java/util/Timer", CLASS, weave);
        new WovenCache(dir, new byte[0]).woven("java/util/Timer", CLASS, weave); // the agent's jar was not known
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 9}, new WovenCache(file.resolve("woven"), WEAVER).woven("java/util/Timer", CLASS, weave));
        new WovenCache(dir, new byte[0]).woven("java/util/Timer", CLASS, weave);
        assertEquals(4, weaves.get());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "nothing written without a known weaver");
        }
    }

    @Test
    void aWeaveThatFailsKeepsNothing(@TempDir Path dir) throws Exception {
        WovenCache cache = new WovenCache(dir, WEAVER);
        assertThrows(IllegalStateException.class, () -> cache.woven("java/util/Timer", CLASS, b -> {
            throw new IllegalStateException("no method sched");
        }));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void theAgentsArgumentNamesTheFolderAndWhetherToPrefill() {
        Path folder = Path.of("/opt/k/woven;x");
        assertEquals(folder, WovenCache.folder(WovenCache.agentArgument(folder, true)));
        assertEquals(folder, WovenCache.folder(WovenCache.agentArgument(folder, false)));
        assertTrue(WovenCache.prefill(WovenCache.agentArgument(folder, true)));
        assertFalse(WovenCache.prefill(WovenCache.agentArgument(folder, false)));
        assertNull(WovenCache.folder(null));
        assertNull(WovenCache.folder(""));
    }
}
