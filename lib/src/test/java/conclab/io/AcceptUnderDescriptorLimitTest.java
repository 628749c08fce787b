package conclab.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server on an {@link EventLoop} that runs out of descriptors (EMFILE, the classic C10K failure) keeps its
 * listening channel and serves again once clients leave: a real run, in a child JVM whose limit is 64 descriptors.
 */
class AcceptUnderDescriptorLimitTest {
    /** The child's descriptor limit; it uses about 10 of them before its first client. */
    static final int LIMIT_FDS = 64;
    /** More clients than the child has descriptors. */
    static final int CLIENTS = 2 * LIMIT_FDS;

    @Test
    void aServerOutOfDescriptorsKeepsListeningAndServesAgainOnceClientsLeave() throws Exception {
        // the shell sets the limit, soft and hard, then becomes the JVM: "$0" "$@" are the arguments after the script
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "ulimit -n " + LIMIT_FDS + " && exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:-MaxFDLimit", // -MaxFDLimit: the JVM does not raise its limit at start
                "-cp", folder(EventLoop.class) + ":" + folder(DescriptorLimitedServer.class),
                DescriptorLimitedServer.class.getName());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) lines.add(line);
            } catch (IOException e) {
                // the child is gone
            }
        });
        List<Socket> clients = new ArrayList<>();
        try {
            String first = lines.poll(EventLoopTest.LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(first, "the child did not start");
            assertTrue(first.startsWith("port "), first);
            var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(first.substring(5)));

            for (int i = 0; i < CLIENTS; i++) clients.add(connect(address)); // the kernel queues what is not accepted
            String error = lines.poll(EventLoopTest.LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(error, "the server never ran out of descriptors with " + CLIENTS + " clients");
            assertTrue(error.startsWith("error: acceptable callback of ") && error.contains("Too many open files"), error);

            for (Socket c : clients) c.close(); // the server sees each end, and closes its side: descriptors again
            clients.clear();
            for (int i = 0; i < LIMIT_FDS / 2; i++) clients.add(connect(address));
            for (int i = 0; i < clients.size(); i++) {
                byte[] message = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                clients.get(i).getOutputStream().write(message);
                assertArrayEquals(message, clients.get(i).getInputStream().readNBytes(message.length),
                        "a new client after the others left was not served");
            }
            for (String line; (line = lines.poll()) != null; ) {
                if (!line.contains("Too many open files")) fail("the child reported " + line);
            }
        } finally {
            for (Socket c : clients) c.close();
            child.getOutputStream().close(); // the child ends when its stdin ends
            if (!child.waitFor(EventLoopTest.LIMIT.toSeconds(), TimeUnit.SECONDS)) child.destroyForcibly().waitFor();
        }
    }

    /** A connected blocking client whose reads give up after LIMIT. */
    static Socket connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, (int) EventLoopTest.LIMIT.toMillis());
        s.setSoTimeout((int) EventLoopTest.LIMIT.toMillis());
        return s;
    }

    /** The folder (or jar) that {@code type} was loaded from. */
    static String folder(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
