package conclab.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A TCP client socket in <em>signal-driven</em> mode, the fourth I/O model of UNIX Network Programming
 * (§6.2): the kernel sends the process {@code SIGIO} when something happens on the socket, and the program
 * tries to read then. On TCP, "something" is not only data arriving: the peer's FIN, room freed in the send
 * buffer and errors raise it too (UNP §25.2), so a signal may find nothing to read, or the end of the
 * stream. Java has no API for this; this class goes beyond the course and builds it from the C library
 * through the FFM API ({@code socket}, {@code connect}, {@code fcntl(F_SETOWN)}, {@code fcntl(F_SETFL,
 * O_ASYNC | O_NONBLOCK)}, {@code read}) and the JDK's unsupported {@code sun.misc.Signal} for the handler.
 *
 * <p>Linux on x86-64 or AArch64 only (the constants are Linux's): elsewhere {@link #connect} throws
 * {@link UnsupportedOperationException}. IPv4 only. The JVM needs {@code --enable-native-access} for this
 * class's module (the course's kernel gives it); without it, the JDK prints a warning.
 *
 * <p>Signals name no socket: {@code sun.misc.Signal} hands its handler the signal's number only, never the
 * {@code siginfo} in which Linux's {@code F_SETSIG} would put the descriptor ({@code si_fd}). So one
 * process-wide {@code SIGIO} handler, installed on first use and never removed (the default action of
 * {@code SIGIO} ends the process), calls the {@code onSignal} of every open socket of this class, on the
 * thread the JDK starts to handle that signal. A socket's callback must be short and must not block. Thread safety: {@link #read} and {@link #close} are for one thread at a time; the set of open
 * sockets is a copy-on-write set, read by the handler.
 */
public final class SignalDrivenSocket implements AutoCloseable {
    private static final int AF_INET = 2, SOCK_STREAM = 1;
    private static final int F_GETFL = 3, F_SETFL = 4, F_SETOWN = 8;
    private static final int O_NONBLOCK = 0x800, O_ASYNC = 0x2000;
    private static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option KEEP_ERRNO = Linker.Option.captureCallState("errno");

    /** The open sockets, whose callbacks the SIGIO handler runs. */
    private static final Set<SignalDrivenSocket> OPEN = new CopyOnWriteArraySet<>();
    /** Guarded by the class: whether the SIGIO handler is installed. */
    private static boolean handlerInstalled;

    private final int fd;
    private final Runnable onSignal;
    /** Native memory for read (a buffer and errno), freed by close(). */
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(64 * 1024);
    private final MemorySegment callState = arena.allocate(CALL_STATE);
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private SignalDrivenSocket(int fd, Runnable onSignal) {
        this.fd = fd;
        this.onSignal = onSignal;
    }

    /**
     * Connects (blocking) to an IPv4 {@code address}, then puts the socket in signal-driven, non-blocking
     * mode: from then on {@code onSignal} runs whenever the kernel signals that it may be read.
     */
    public static SignalDrivenSocket connect(InetSocketAddress address, Runnable onSignal) throws IOException {
        String os = System.getProperty("os.name"), arch = System.getProperty("os.arch");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64")))
            throw new UnsupportedOperationException("signal-driven sockets are built for Linux on amd64 or aarch64; this is " + os + " on " + arch);
        if (!(address.getAddress() instanceof Inet4Address v4))
            throw new IllegalArgumentException("an IPv4 address is needed, not " + address);
        installHandler();
        int fd = (int) call(SOCKET, AF_INET, SOCK_STREAM, 0);
        if (fd < 0) throw new IOException("socket() failed");
        SignalDrivenSocket s = new SignalDrivenSocket(fd, onSignal);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sin = a.allocate(16); // struct sockaddr_in: family, port (big-endian), address, zeros
            sin.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            sin.set(ValueLayout.JAVA_BYTE, 2, (byte) (address.getPort() >> 8));
            sin.set(ValueLayout.JAVA_BYTE, 3, (byte) address.getPort());
            MemorySegment.copy(v4.getAddress(), 0, sin, ValueLayout.JAVA_BYTE, 4, 4);
            if ((int) call(CONNECT, fd, sin, 16) != 0) {
                s.close();
                throw new IOException("connect() to " + address + " failed");
            }
        }
        int pid = (int) ProcessHandle.current().pid();
        OPEN.add(s);
        if (fcntl(fd, F_SETOWN, pid) != 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_ASYNC | O_NONBLOCK) != 0) {
            s.close();
            throw new IOException("fcntl() could not make the socket signal-driven");
        }
        return s;
    }

    /**
     * Reads what has arrived into {@code dst} (at most 64 KB per call), without waiting: the bytes read, 0 if
     * none yet, -1 at the end of the stream.
     */
    public int read(ByteBuffer dst) throws IOException {
        if (closed.get()) throw new IOException("the socket is closed");
        int want = (int) Math.min(dst.remaining(), buffer.byteSize());
        if (want == 0) return 0;
        long n;
        try {
            n = (long) READ.invokeExact(callState, fd, buffer, (long) want);
        } catch (Throwable t) {
            throw new IOException("read() could not be called: " + t, t);
        }
        if (n > 0) {
            dst.put(buffer.asSlice(0, n).asByteBuffer());
            return (int) n;
        }
        if (n == 0) return -1;
        int errno = (int) ERRNO.get(callState, 0L);
        if (errno == EAGAIN) return 0;
        throw new IOException("read() failed with errno " + errno);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        OPEN.remove(this);
        call(CLOSE, fd);
        arena.close();
    }

    private static synchronized void installHandler() {
        if (handlerInstalled) return;
        sun.misc.Signal.handle(new sun.misc.Signal("IO"), signal -> {
            for (SignalDrivenSocket s : OPEN) s.onSignal.run();
        });
        handlerInstalled = true;
    }

    // The C functions, looked up once (making a downcall handle costs far more than a call).
    private static final MethodHandle SOCKET = handle("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CONNECT = handle("connect",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    /** fcntl is variadic: its third argument is the first variadic one. */
    private static final MethodHandle FCNTL = handle("fcntl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    /** read, with errno captured into a segment passed first. */
    private static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), KEEP_ERRNO);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        SymbolLookup libc = LINKER.defaultLookup();
        return LINKER.downcallHandle(libc.find(name).orElseThrow(), descriptor, options);
    }

    private static int fcntl(int fd, int command, int argument) {
        return (int) call(FCNTL, fd, command, argument);
    }

    private static Object call(MethodHandle function, Object... args) {
        try {
            return function.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalStateException("a call of the C library failed: " + t, t);
        }
    }
}
