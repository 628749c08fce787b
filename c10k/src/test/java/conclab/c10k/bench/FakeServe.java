package conclab.c10k.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for {@code conclab.c10k.Serve KIND} and {@code conclab.c10k.netty.NettyServe}, honouring their
 * command-line contract (the brief's part A): binds 127.0.0.1 (port 0: any free port) with backlog 4096,
 * prints {@code listening on 127.0.0.1:PORT}, answers every request (up to {@code \r\n\r\n}) with the 78-byte
 * response, and ends when its stdin ends. {@code threads} serves on a platform thread per connection,
 * {@code pool} on 200 platform threads (connection 201 waits in the queue), any other kind on virtual threads.
 * Two kinds misbehave, for the driver's tests: {@code mute} never prints its port, {@code crash} exits with
 * code 3 at once.
 */
public final class FakeServe {
    static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!"
            .getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws IOException {
        String kind = args[0];
        int port = 0;
        for (int i = 1; i + 1 < args.length; i++) if (args[i].equals("--port")) port = Integer.parseInt(args[i + 1]);
        if (kind.equals("crash")) {
            System.err.println("crash: as asked");
            System.exit(3);
        }
        if (kind.equals("mute")) {
            System.in.transferTo(OutputStream.nullOutputStream());
            return;
        }
        ExecutorService workers = switch (kind) {
            case "threads" -> Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory());
            case "pool" -> Executors.newFixedThreadPool(200);
            default -> Executors.newVirtualThreadPerTaskExecutor();
        };
        ServerSocket listener = new ServerSocket(port, 4096, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Socket s = listener.accept();
                    workers.execute(() -> serve(s));
                }
            } catch (IOException e) {
                // closed: the server ends
            }
        });
        System.out.println("listening on 127.0.0.1:" + listener.getLocalPort());
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until stdin ends
        listener.close();
        System.exit(0);
    }

    /** Answers each request of one connection until the client closes it. */
    private static void serve(Socket s) {
        byte[] terminator = {'\r', '\n', '\r', '\n'}, buffer = new byte[4096];
        int matched = 0;
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                for (int i = 0; i < n; i++) {
                    matched = buffer[i] == terminator[matched] ? matched + 1 : buffer[i] == '\r' ? 1 : 0;
                    if (matched == 4) {
                        out.write(RESPONSE);
                        matched = 0;
                    }
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
