package conclab.process;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MapManagerTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void theMapLivesInTheManagerProcess() {
        Path socket;
        long pid;
        try (var manager = MapManager.start()) {
            socket = manager.socket();
            pid = manager.pid();
            try (var map = SharedMap.connect(socket)) {
                assertEquals(0, map.get("absent"));
                map.put("x", 41);
                assertEquals(42, map.increment("x"));
                assertEquals(40, map.increment("x", -2));
            }
            try (var again = SharedMap.connect(socket)) { // another connection, the same map
                assertEquals(40, again.get("x"));
                assertThrows(IllegalArgumentException.class, () -> again.get("two words"));
            }
            try (var raw = UnixSocketClient.connect(socket)) {
                assertEquals("error unknown request: frobnicate", raw.ask("frobnicate"));
                assertTrue(raw.ask("put x notanumber").startsWith("error java.lang.NumberFormatException"));
            }
        }
        Children.assertEnded(pid);
        assertFalse(Files.exists(socket.getParent()));
    }

    @Test
    void twoProcessesIncrementingThroughTheManagerLoseNoUpdate() {
        try (var manager = MapManager.start(); var pool = ProcessPool.start(2); var map = SharedMap.connect(manager.socket())) {
            String task = "hits 1000 " + manager.socket();
            List<String> seen = pool.map(Tasks.Increment.class, List.of(task, task));
            assertEquals(2000, map.get("hits"));
            assertTrue(seen.contains("2000"), seen.toString()); // the one that finished last saw every increment

            String racy = "lost 1000 " + manager.socket();
            pool.map(Tasks.GetThenPut.class, List.of(racy, racy));
            long lost = map.get("lost");
            assertTrue(lost >= 1 && lost <= 2000, "lost: " + lost); // get then put: updates may be lost
        }
    }
}
