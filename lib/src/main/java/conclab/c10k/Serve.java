package conclab.c10k;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Runs one C10K server in this JVM until its parent lets go:
 *
 * <pre>
 * java [jvm flags] -cp conclab-lib.jar conclab.c10k.Serve KIND [--port N] [--threads N] [--loops K]
 * </pre>
 *
 * <p>{@code KIND} is one of {@link C10kServer#KINDS}; {@code --port} defaults to 0 (any free port),
 * {@code --threads} is the size of {@code pool}, {@code --loops} the number of serving loops of {@code loops}. Once
 * the server listens, it prints exactly one line to stdout, {@code listening on 127.0.0.1:PORT}, and flushes. It
 * serves until its stdin reaches end of file (the parent closed it, or died) or it gets SIGTERM; then it closes the
 * server and exits with status 0. Bad arguments, or a port that is in use, get one line on stderr that says what
 * to do, and exit status 2.
 */
public final class Serve {
    private Serve() {}

    static final String USAGE = "usage: Serve KIND [--port N] [--threads N] [--loops K], KIND one of "
            + String.join(", ", C10kServer.KINDS);

    public static void main(String[] args) throws InterruptedException {
        C10kServer server;
        try {
            server = start(args);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("conclab.c10k.Serve: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1); // before the line: a parent may stop us as soon as it reads it
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Thread.ofPlatform().daemon().name("c10k-stdin").start(() -> {
            try {
                System.in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // stdin is gone: as good as its end
            }
            stop.countDown();
        });
        System.out.println("listening on 127.0.0.1:" + server.port());
        System.out.flush();
        stop.await();
        server.close();
        if (server instanceof BlockingServer b && b.failedStarts() > 0)
            System.err.println("conclab.c10k.Serve: " + b.failedStarts() + " connections were closed at once:"
                    + " no thread could be started for them");
    }

    /** Parses the arguments and starts the server. */
    static C10kServer start(String[] args) throws IOException {
        String kind = null;
        int port = 0, threads = 0, loops = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                if (kind != null) throw new IllegalArgumentException("one KIND only, not " + kind + " and " + arg + "; " + USAGE);
                kind = arg;
                continue;
            }
            if (i + 1 == args.length) throw new IllegalArgumentException(arg + " needs a value; " + USAGE);
            String value = args[++i];
            switch (arg) {
                case "--port" -> port = number(arg, value, 0, 65_535);
                case "--threads" -> threads = number(arg, value, 1, 1_000_000);
                case "--loops" -> loops = number(arg, value, 1, 1024);
                default -> throw new IllegalArgumentException("unknown flag " + arg + "; " + USAGE);
            }
        }
        if (kind == null) throw new IllegalArgumentException("no KIND; " + USAGE);
        if (!C10kServer.KINDS.contains(kind))
            throw new IllegalArgumentException("unknown KIND " + kind + "; choose one of " + String.join(", ", C10kServer.KINDS));
        if (threads > 0 && !kind.equals("pool")) throw new IllegalArgumentException("--threads is a flag of pool only, not of " + kind);
        if (loops > 0 && !kind.equals("loops")) throw new IllegalArgumentException("--loops is a flag of loops only, not of " + kind);
        try {
            return C10kServer.start(kind, port, threads + loops);
        } catch (BindException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "): choose another --port, or --port 0 for any free port", e);
        }
    }

    /** {@code value} as an int from {@code min} to {@code max}, or an IllegalArgumentException that says so. */
    private static int number(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(flag + " takes a number from " + min + " to " + max + ", not " + value);
    }
}
