package conclab.kernel;

import java.util.function.Consumer;
import org.dflib.jjava.jupyter.channels.JupyterSocket;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.messages.HMACGenerator;
import org.dflib.jjava.jupyter.messages.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A ROUTER socket of the Jupyter connection (shell, control or stdin) with jjava's message framing.
 *
 * <p>jjava's own shell channel polls without waiting and then sleeps 50 ms, which adds up to 50 ms to every
 * request. This one blocks in the poller, so a request is read as soon as it arrives.
 *
 * <p>A ZeroMQ socket must only be used by one thread at a time: a router is read and written by the single
 * thread that runs {@link #serve} (or, for stdin, by the one thread that asks for input).
 */
final class Router extends JupyterSocket {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final String name;
    private final ZMQ.Poller poller;

    Router(ZMQ.Context context, HMACGenerator hmac, String name) {
        super(context, SocketType.ROUTER, hmac, LoggerFactory.getLogger("conclab." + name));
        this.name = name;
        this.poller = context.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        int port = switch (name) {
            case "shell" -> props.getShellPort();
            case "control" -> props.getControlPort();
            case "stdin" -> props.getStdinPort();
            default -> throw new IllegalStateException(name);
        };
        super.bind(formatAddress(props.getTransport(), props.getIp(), port));
    }

    /** Waits up to {@code millis} for a message; returns null if none came. */
    Message<?> poll(long millis) {
        if (poller.poll(millis) <= 0 || !poller.pollin(0)) return null;
        return readMessage();
    }

    /**
     * Reads and handles messages on the calling thread for as long as the process lives: a
     * {@code shutdown_request} ends it with {@code Runtime.halt}, and nothing else stops a router.
     */
    void serve(Consumer<Message<?>> handler) {
        while (true) {
            Message<?> message;
            try {
                message = poll(200);
            } catch (RuntimeException e) {
                LOG.warn("{}: unreadable message: {}", name, e.toString());
                continue;
            }
            if (message == null) continue;
            try {
                handler.accept(message);
            } catch (RuntimeException e) {
                LOG.error("{}: failed to handle {}", name, message.getHeader().getType(), e);
            }
        }
    }
}
