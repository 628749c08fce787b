package conclab.c10k.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The response parser and the FIFO of intended send times, without a socket. */
class ConnectionTest {
    private static final byte[] R = Connection.RESPONSE;

    @Test
    void theResponseIs78Bytes() {
        assertEquals(78, R.length);
    }

    @Test
    void countsResponsesWhereverTheReadsSplitThem() throws Exception {
        byte[] three = new byte[3 * R.length];
        for (int i = 0; i < 3; i++) System.arraycopy(R, 0, three, i * R.length, R.length);
        for (int chunk : new int[] {1, 2, 5, 77, 78, 79, 100, 3 * 78}) {
            try (SocketChannel unused = SocketChannel.open()) {
                var c = new Connection(0, unused);
                int completed = 0;
                for (int at = 0; at < three.length; at += chunk) {
                    byte[] piece = Arrays.copyOfRange(three, at, Math.min(three.length, at + chunk));
                    completed += c.receive(piece, piece.length);
                }
                assertEquals(3, completed, "chunks of " + chunk);
            }
        }
    }

    @Test
    void anyOtherByteAnywhereIsAnError() throws Exception {
        for (int wrongAt = 0; wrongAt < R.length; wrongAt++) {
            byte[] bytes = (new String(R, java.nio.charset.StandardCharsets.US_ASCII).repeat(2))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            bytes[R.length + wrongAt] ^= 0x20;
            try (SocketChannel unused = SocketChannel.open()) {
                var c = new Connection(0, unused);
                assertEquals(1, c.receive(bytes, R.length), "the first response is fine");
                assertEquals(-1, c.receive(Arrays.copyOfRange(bytes, R.length, bytes.length), R.length),
                        "byte " + wrongAt);
            }
        }
    }

    @Test
    void intendedTimesComeBackInOrderAsTheRingGrows() throws Exception {
        try (SocketChannel unused = SocketChannel.open()) {
            var c = new Connection(0, unused);
            long next = 0;
            long expected = 0;
            for (int round = 0; round < 5; round++) {   // fill to different depths, with the head moving
                for (int i = 0; i < 3 + 7 * round; i++) c.enqueue(next++);
                for (int i = 0; i < 2 + 6 * round; i++) assertEquals(expected++, c.answer());
            }
            assertEquals(next - expected, c.outstanding());
            assertEquals(expected, c.oldest());
            while (c.outstanding() > 0) assertEquals(expected++, c.answer());
            assertEquals(next, expected);
        }
    }
}
