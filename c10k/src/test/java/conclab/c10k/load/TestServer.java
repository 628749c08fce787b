package conclab.c10k.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny blocking server for the load generator's tests: a virtual thread per connection runs a {@link Handler}
 * given the connection's number in accept order. {@link #close} closes the listening socket and every connection
 * and waits for the threads.
 */
final class TestServer implements AutoCloseable {
    /** What a connection does; it ends when the client closes (an IOException is as good as the end). */
    interface Handler {
        void serve(int number, InputStream in, OutputStream out) throws IOException, InterruptedException;
    }

    /** Called before each answer; may block (a gate). */
    interface BeforeAnswer {
        void await() throws InterruptedException;
    }

    private final ServerSocket listening;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    TestServer(Handler handler) throws IOException {
        listening = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = listening.accept();
                    s.setTcpNoDelay(true);
                    sockets.add(s);
                    int number = accepted.getAndIncrement();
                    threads.add(Thread.ofVirtual().start(() -> {
                        try (s) {
                            handler.serve(number, new BufferedInputStream(s.getInputStream()), s.getOutputStream());
                        } catch (IOException | InterruptedException e) {
                            // the connection or the server is closed
                        }
                    }));
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    int port() {
        return listening.getLocalPort();
    }

    /** The protocol: each request (up to {@code \r\n\r\n}) is answered with {@code response}, in order. */
    static Handler answering(byte[] response, BeforeAnswer before) {
        return (number, in, out) -> answer(in, out, response, before);
    }

    static Handler answering() {
        return answering(Connection.RESPONSE, () -> {});
    }

    /** Reads everything and answers nothing. */
    static void drain(InputStream in) throws IOException {
        while (in.read() != -1) {
            // nothing
        }
    }

    static void answer(InputStream in, OutputStream out, byte[] response, BeforeAnswer before)
            throws IOException, InterruptedException {
        int matched = 0;
        for (int b; (b = in.read()) != -1; ) {
            if (b == "\r\n\r\n".charAt(matched)) {
                if (++matched == 4) {
                    matched = 0;
                    before.await();
                    out.write(response);
                }
            } else {
                matched = b == '\r' ? 1 : 0;
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listening.close();
        acceptor.join();
        for (Socket s : sockets) s.close();
        for (Thread t : threads) t.interrupt();   // a handler may wait at a gate
        for (Thread t : threads) t.join();
    }
}
