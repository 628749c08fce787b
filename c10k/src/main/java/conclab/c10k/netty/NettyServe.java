package conclab.c10k.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ByteProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The C10K lab's reference server: the lab's protocol on Netty 4.2, the way an engineer would write it, on Netty's
 * NIO transport or its native epoll one. Its configuration is fixed and never tuned to meet a target.
 *
 * <p>The protocol: a request is everything up to and including the first {@code \r\n\r\n}; for each request, in
 * order, the server writes the same 78-byte response; the connection stays open until the client closes it.
 *
 * <p>Configuration: one {@link MultiThreadIoEventLoopGroup} of {@code threads} event-loop threads does both the
 * accepts and the I/O; {@code 127.0.0.1}, accept backlog 4096, {@code TCP_NODELAY}. Each connection's
 * {@link HelloHandler} counts request terminators across reads, writes one retained duplicate of a shared response
 * buffer per request, flushes once per read batch, and stops reading while its outbound buffer is above Netty's
 * high-water mark (64 KiB by default), until it drains.
 *
 * <p>Threads: a connection and its handler belong to one event-loop thread for their whole life (Netty's model),
 * so a handler's state needs no lock. {@link #start} and {@link #close} may be called from any thread.
 *
 * <p>Main: {@code NettyServe nio|epoll [--threads N] [--port N]} prints {@code listening on 127.0.0.1:PORT} when
 * ready and serves until its standard input reaches end of file or it gets SIGTERM, then closes and exits 0. Bad
 * input, a port in use or epoll asked for where it is not available: one line on standard error, exit code 2.
 */
public final class NettyServe implements AutoCloseable {
    /** The protocol's one response, 78 bytes of ASCII. */
    static final byte[] RESPONSE_BYTES =
            "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!".getBytes(US_ASCII);
    /**
     * The response, shared by every connection: each write sends a retained duplicate (its own indexes, the same
     * memory), which Netty releases once written. Unreleasable, so those counts are no-ops and the threads do not
     * contend on one reference count (Netty's own benchmark servers do the same); direct, so no transport copies it.
     */
    private static final ByteBuf RESPONSE =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer(RESPONSE_BYTES.length).writeBytes(RESPONSE_BYTES));
    /** Accept backlog: the machine's somaxconn cap, so that a connect burst is queued and not refused. */
    static final int BACKLOG = 4096;
    /** How long {@link #close} waits for the event loops to end. */
    private static final long CLOSE_TIMEOUT_SECONDS = 5;

    /** A Netty transport: its name in the CLI and JSON, its I/O handler and its server channel class. */
    public enum Transport {
        NIO, EPOLL;

        /** The name used on the command line and in the kinds, {@code nio} or {@code epoll}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        IoHandlerFactory ioHandlerFactory() {
            return this == NIO ? NioIoHandler.newFactory() : EpollIoHandler.newFactory();
        }

        Class<? extends ServerChannel> serverChannelClass() {
            return this == NIO ? NioServerSocketChannel.class : EpollServerSocketChannel.class;
        }
    }

    private final String name;
    /** The event-loop threads: accepts and I/O. */
    private final EventLoopGroup group;
    /** The listening channel. */
    private final Channel server;
    private final int port;

    private NettyServe(String name, EventLoopGroup group, Channel server) {
        this.name = name;
        this.group = group;
        this.server = server;
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Starts a server on {@code 127.0.0.1}.
     *
     * @param transport NIO or epoll
     * @param threads   the event-loop threads, at least 1
     * @param port      the port, 0 for any free one
     * @return the server, listening
     * @throws IllegalStateException if epoll is asked for and is not available; its message says why
     * @throws IOException           if the port cannot be bound (in use)
     */
    public static NettyServe start(Transport transport, int threads, int port) throws IOException {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1: " + threads);
        if (transport == Transport.EPOLL && !Epoll.isAvailable()) {
            throw new IllegalStateException("epoll is not available here (" + Epoll.unavailabilityCause() + ")");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, transport.ioHandlerFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)                                  // one group: it accepts and does the I/O
                    .channel(transport.serverChannelClass())
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(new HelloHandler());
                        }
                    })
                    .bind("127.0.0.1", port)
                    .syncUninterruptibly()   // rethrows a failed bind (a BindException, unchecked by Netty)
                    .channel();
            return new NettyServe("netty-" + transport.label() + "-" + threads, group, server);
        } catch (Exception e) {
            group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS).awaitUninterruptibly();
            if (e instanceof IOException io) throw io;   // Netty rethrows checked exceptions undeclared
            throw e;
        }
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    /** The server's kind in the lab's tables: {@code netty-nio-1}, {@code netty-epoll-2}, and so on. */
    public String name() {
        return name;
    }

    /**
     * Closes the listening channel and every connection and ends the event-loop threads, waiting at most a few
     * seconds for them. Idempotent; any thread.
     */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(2 * CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * One connection's protocol handler: counts request terminators across reads and answers each request. Not
     * sharable: its state is one connection's, touched by that connection's event-loop thread only.
     */
    static final class HelloHandler extends ChannelInboundHandlerAdapter implements ByteProcessor {
        /** How many bytes of {@code \r\n\r\n} the bytes read so far end with, 0 to 3; kept across reads. */
        private int matched;
        /** Requests completed by the read being scanned. */
        private int requests;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                requests = 0;
                in.forEachByte(this);
            } finally {
                in.release();
            }
            for (int i = 0; i < requests; i++) ctx.write(RESPONSE.retainedDuplicate());
        }

        /**
         * Advances the terminator match by one byte. A mismatch falls back to 1 if the byte is {@code \r} (it may
         * start a terminator), else to 0: the only fallbacks {@code \r\n\r\n} has.
         */
        @Override
        public boolean process(byte b) {
            if (b == "\r\n\r\n".charAt(matched)) {
                if (++matched == 4) {
                    matched = 0;
                    requests++;
                }
            } else {
                matched = b == '\r' ? 1 : 0;
            }
            return true;   // scan every byte
        }

        /** One flush per read batch: the responses to everything read since the last one leave in one write. */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        /** Reads only while the responses written and not yet sent stay under the high-water mark. */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        /** A reset or any other failure: the connection is closed, the server goes on. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Runs a server until standard input ends or SIGTERM; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        NettyServe serve;
        try {
            serve = start(args);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            System.err.println("NettyServe: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.countDown());
        Thread.ofPlatform().daemon().name("stdin-watch").start(() -> {
            awaitEndOfFile(System.in);
            stop.countDown();
        });
        System.out.println("listening on 127.0.0.1:" + serve.port());
        System.out.flush();
        stop.await();
        serve.close();
        System.exit(0);
    }

    private static final String USAGE = "usage: NettyServe nio|epoll [--threads N] [--port N]";

    /** Parses the command line and starts the server it asks for. */
    private static NettyServe start(String[] args) throws IOException {
        if (args.length == 0) throw new IllegalArgumentException("no transport given; " + USAGE);
        Transport transport = switch (args[0]) {
            case "nio" -> Transport.NIO;
            case "epoll" -> Transport.EPOLL;
            default -> throw new IllegalArgumentException("unknown transport '" + args[0] + "'; " + USAGE);
        };
        int threads = 1;
        int port = 0;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 == args.length) throw new IllegalArgumentException(args[i] + " needs a value; " + USAGE);
            int value = parseInt(args[i], args[i + 1]);
            switch (args[i]) {
                case "--threads" -> threads = value;
                case "--port" -> port = value;
                default -> throw new IllegalArgumentException("unknown flag '" + args[i] + "'; " + USAGE);
            }
        }
        if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1; " + USAGE);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0 to 65535; " + USAGE);
        try {
            return start(transport, threads, port);
        } catch (IOException e) {
            throw new IOException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                    + "); pick another --port, or 0 for any free one", e);
        }
    }

    private static int parseInt(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " wants a whole number, not '" + value + "'; " + USAGE);
        }
    }

    /** Reads and drops standard input until its end (the parent closed it, or died). */
    private static void awaitEndOfFile(InputStream in) {
        byte[] sink = new byte[256];
        try {
            while (in.read(sink) != -1) {
                // nothing: only the end matters
            }
        } catch (IOException e) {
            // an unreadable stdin counts as its end
        }
    }
}
