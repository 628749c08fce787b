package conclab.process;

import static conclab.process.Children.LIMIT;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UnixSocketTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void clientsOfThisProcessTalkToAServerInAChild() throws Exception {
        Path socket;
        long pid;
        try (var server = UnixSocketServer.start()) {
            socket = server.socket();
            pid = server.pid();
            assertTrue(Files.exists(socket));
            var together = new CyclicBarrier(3);
            try (var threads = Executors.newFixedThreadPool(3)) {
                List<Future<Boolean>> clients = new ArrayList<>();
                for (int c = 0; c < 3; c++) {
                    String name = "client " + c + " ";
                    clients.add(threads.submit(() -> {
                        try (var client = UnixSocketClient.connect(socket)) {
                            together.await(LIMIT, TimeUnit.SECONDS); // three connections open at once
                            for (int i = 0; i < 100; i++) assertEquals((name + i).toUpperCase(Locale.ROOT), client.ask(name + i));
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : clients) assertTrue(f.get(LIMIT, TimeUnit.SECONDS));
            }
        }
        Children.assertEnded(pid);
        assertFalse(Files.exists(socket));
        assertFalse(Files.exists(socket.getParent()));
    }
}
