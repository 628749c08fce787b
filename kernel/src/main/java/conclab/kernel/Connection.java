package conclab.kernel;

import java.util.concurrent.CompletableFuture;
import java.util.Map;
import org.dflib.jjava.jupyter.channels.IOPubChannel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The kernel's five ZeroMQ sockets, bound to the ports of a Jupyter connection file.
 *
 * <p>Threads: the shell and control routers are each served by a thread of their own (see {@link Router});
 * the heartbeat has its own echo thread; stdin is used by the one thread that asks for input; iopub is
 * written by any thread, one message at a time ({@code JupyterSocket.sendMessage} is synchronized).
 */
final class Connection {
    private final ZMQ.Context context = ZMQ.context(1);
    private final KernelConnectionProperties props;
    final Router shell, control, stdin;
    private final IOPubChannel iopub;
    private final ZMQ.Socket heartbeat;
    /** Completed when every socket is bound (exceptionally if one cannot be). */
    private final CompletableFuture<Void> bound = new CompletableFuture<>();

    Connection(KernelConnectionProperties props) throws Exception {
        this.props = props;
        HMACGenerator hmac = props.createHMACGenerator();
        this.shell = new Router(context, hmac, "shell");
        this.control = new Router(context, hmac, "control");
        this.stdin = new Router(context, hmac, "stdin");
        this.iopub = new IOPubChannel(context, hmac);
        this.heartbeat = context.socket(SocketType.REP);
    }

    /** Binds every socket and starts the heartbeat; then announces the kernel on iopub. */
    void bind() {
        try {
            iopub.bind(props);
            shell.bind(props);
            control.bind(props);
            stdin.bind(props);
            heartbeat.bind(props.getTransport() + "://" + props.getIp() + ":" + props.getHbPort());
        } catch (RuntimeException e) {
            bound.completeExceptionally(e);
            throw e;
        }
        heartbeat.setReceiveTimeOut(500);
        Thread.ofPlatform().name("conclab-heartbeat").daemon().start(this::echoHeartbeats);
        publish(Messages.of(null, "status", Messages.status("starting")));
        bound.complete(null); // last: what depends on it (the engine's launch) runs here, on this thread
    }

    /**
     * Completed once Jupyter's ports are bound: from then on no socket of ours, or of the engine, can take one of
     * them. Its dependent actions run on the thread that binds.
     */
    CompletableFuture<Void> bound() {
        return bound;
    }

    void publish(Message<?> message) {
        iopub.sendMessage(message);
    }

    /** Publishes {@code content} as a message of {@code type} whose parent is {@code parent}. */
    void publish(Message<?> parent, String type, Map<String, ?> content) {
        publish(Messages.of(parent, type, content));
    }

    private void echoHeartbeats() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                byte[] ping = heartbeat.recv();
                if (ping != null) heartbeat.send(ping);
            } catch (RuntimeException e) {
                return; // context closed
            }
        }
    }
}
