package conclab.kernel.engine;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import jdk.jshell.execution.Util;

/**
 * The engine JVM's entry point: {@code java -cp conclab-engine.jar:... conclab.kernel.engine.EngineMain PORT}.
 *
 * <p>The kernel starts this JVM, listening on {@code PORT} (loopback), and passes a secret in the
 * environment variable {@code CONCLAB_ENGINE_TOKEN}. The engine connects twice, once per channel, and proves
 * itself with the token; then it serves JShell's execution protocol on the main thread until the kernel
 * closes it. Notebook code therefore runs on the thread named {@code main}.
 *
 * <p>The engine never outlives its kernel: it halts when the kernel's process exits or a channel closes.
 */
public final class EngineMain {
    private EngineMain() {}

    /** Default limits of forwarded output per cell; see {@link Cell#admit}. */
    static final long MAX_LINES = Long.getLong("conclab.output.lines", 20_000);
    static final long MAX_CHARS = Long.getLong("conclab.output.chars", 1_000_000);

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || System.getenv("CONCLAB_ENGINE_TOKEN") == null) {
            System.err.println("The conclab engine is started by the conclab kernel, not by hand.");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String token = System.getenv("CONCLAB_ENGINE_TOKEN");
        Socket exec = connect(port, EngineWire.CHANNEL_EXEC, token);
        Socket events = connect(port, EngineWire.CHANNEL_EVENTS, token);
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));

        Engine engine = Engine.start(events, Thread.currentThread(), MAX_LINES, MAX_CHARS);
        ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(exec.getOutputStream()));
        out.flush();
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(exec.getInputStream()));
        Util.forwardExecutionControl(new EngineControl(engine), in, out);
        // JShell closed the engine (or the kernel went away): leave without waiting for notebook threads.
        Runtime.getRuntime().halt(0);
    }

    private static Socket connect(int port, byte channel, String token) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true); // JShell's protocol is request/response: Nagle would add ~40 ms per call
        DataOutputStream hello = new DataOutputStream(socket.getOutputStream());
        hello.writeByte(channel);
        hello.writeUTF(token);
        hello.flush();
        return socket;
    }
}
