// fails:
// Correct: ByteCounter is an interface whose static serve takes a BiConsumer<? super SocketAddress, ? super Long> and
// handles the ready keys with Selector.select(Consumer) (JDK 11), the state in a small mutable holder.
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BiConsumer;

interface ByteCounter {
    int BUFFER = 8192;

    static void serve(ServerSocketChannel server, int clients, BiConsumer<? super SocketAddress, ? super Long> closed) throws IOException {
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            int[] finished = {0};
            try {
                while (finished[0] < clients) {
                    selector.select(key -> {
                        try {
                            if (key.isAcceptable()) {
                                SocketChannel client = server.accept();
                                if (client == null) return;
                                client.configureBlocking(false);
                                client.register(selector, SelectionKey.OP_READ, new long[1]);
                            } else if (key.isReadable()) {
                                SocketChannel client = (SocketChannel) key.channel();
                                long[] count = (long[]) key.attachment();
                                int n;
                                try {
                                    n = client.read(buffer.clear());
                                } catch (IOException e) {
                                    n = -1;
                                }
                                if (n >= 0) {
                                    count[0] += n;
                                } else {
                                    closed.accept(client.getRemoteAddress(), count[0]);
                                    client.close();
                                    finished[0]++;
                                }
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }
}
