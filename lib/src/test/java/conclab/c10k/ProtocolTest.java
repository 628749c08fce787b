package conclab.c10k;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The protocol's parser and its bytes owed, without sockets. */
class ProtocolTest {
    static final byte[] THREE = ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nX: \r\r\n\r\n");

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static int count(String s) {
        return new Protocol.Counter().count(ByteBuffer.wrap(ascii(s)));
    }

    @Test
    void theResponseIsTheContractsSeventyEightBytes() {
        assertEquals(78, Protocol.RESPONSE_SIZE);
        assertArrayEquals(ascii("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!"),
                Protocol.response());
        Protocol.response()[0] = 'X'; // a copy: the server's bytes stay
        assertEquals('H', Protocol.response()[0]);
    }

    @Test
    void countsEachTerminatorOnceAndNothingElse() {
        assertEquals(3, new Protocol.Counter().count(ByteBuffer.wrap(THREE)));
        assertEquals(0, count("GET / HTTP/1.1\r\n"));
        assertEquals(0, count("\r\n\n\r\n"));
        assertEquals(0, count("\n\r\n\r"));
        assertEquals(1, count("\r\r\n\r\n"));
        assertEquals(1, count("\r\n\r\r\n\r\n")); // "\r\n\r" then a whole terminator
        assertEquals(1, count("\n\r\n\r\n"));
        assertEquals(2, count("\r\n\r\n\r\n\r\n")); // requests do not overlap
        assertEquals(1, count("\r\n\r\n\r\n\r"));
    }

    @Test
    void aTerminatorSplitAtAnyPointIsCountedOnceWhenItsLastByteComes() {
        for (int cut = 0; cut <= THREE.length; cut++) {
            Protocol.Counter c = new Protocol.Counter();
            int first = c.count(ByteBuffer.wrap(THREE, 0, cut));
            assertEquals(3, first + c.count(ByteBuffer.wrap(THREE, cut, THREE.length - cut)), "cut at " + cut);
        }
        Protocol.Counter c = new Protocol.Counter();
        int total = 0;
        for (int i = 0; i < THREE.length; i++) {
            int n = c.count(ByteBuffer.wrap(THREE, i, 1));
            assertEquals(i == 26 || i == 45 || i == THREE.length - 1 ? 1 : 0, n, "byte " + i);
            total += n;
        }
        assertEquals(3, total);
    }

    @Test
    void countReadsFromPositionToLimitWithoutMovingThem() {
        ByteBuffer b = ByteBuffer.allocateDirect(64).put(ascii("xx\r\n\r\nyy\r\n\r\n")).flip().position(2).limit(6);
        assertEquals(1, new Protocol.Counter().count(b));
        assertEquals(2, b.position());
        assertEquals(6, b.limit());
    }

    @Test
    void owedGivesTheTailOfTheResponsesInPiecesOfAnySize() {
        Random random = new Random(11);
        for (long unsent : new long[] {1, 2, 77, 78, 79, 155, 156, 157, 1023 * 78 + 5, 1024 * 78, 1024 * 78 + 1, 200_000}) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (long left = unsent; left > 0; ) {
                ByteBuffer view = Protocol.owed(left);
                assertTrue(view.isReadOnly() && view.isDirect() && view.remaining() <= left);
                int n = 1 + random.nextInt(view.remaining()); // a partial write takes what it takes
                byte[] piece = new byte[n];
                view.get(piece);
                got.writeBytes(piece);
                left -= n;
            }
            assertArrayEquals(tail(unsent), got.toByteArray(), "unsent " + unsent);
        }
        assertThrows(IllegalArgumentException.class, () -> Protocol.owed(0));
    }

    /** The last {@code n} bytes of as many responses as it takes. */
    static byte[] tail(long n) {
        byte[] r = Protocol.response(), t = new byte[(int) n];
        int start = (int) ((78 - n % 78) % 78);
        for (int i = 0; i < n; i++) t[i] = r[(start + i) % 78];
        return t;
    }
}
