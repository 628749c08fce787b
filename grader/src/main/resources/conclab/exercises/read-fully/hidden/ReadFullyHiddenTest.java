import conclab.grader.probe.Property;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Hidden tests of the read-fully exercise: used for grading only. */
class ReadFullyHiddenTest {
    @Test
    @Property("waits-in-select")
    void waitsInSelect() throws Exception {
        ReadFullyTest t = new ReadFullyTest();
        try {
            t.connect();
            ReadFullyTest.Read read = new ReadFullyTest.Read(t.reading, 10);
            read.firstByte(t.writer); // 1 of the 10 bytes first: the reader has been through its loop once
            int samples = 0, selecting = 0;
            String elsewhere = null;
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                StackTraceElement[] stack = read.thread.getStackTrace();
                samples++;
                if (ReadFullyTest.inSelect(stack)) selecting++;
                else if (stack.length > 0) elsewhere = stack[0].getClassName() + "." + stack[0].getMethodName();
                Thread.sleep(5); // sampling from outside: no synchronisation relies on it
            }
            t.writer.write(ByteBuffer.wrap(ReadFullyTest.pattern(9)));
            read.result("1 byte, then 300 ms later 9 more, were sent");
            if (selecting < samples * 8 / 10) {
                throw new AssertionError("While no more data came (after the first byte), the reading thread was in a selector's select() in only "
                        + selecting + " of " + samples + " looks" + (elsewhere == null ? "" : " (elsewhere: " + elsewhere + ")")
                        + ". Wait for readiness with select(), not by sleeping and trying again.");
            }
        } finally {
            t.closeAll();
        }
    }
}
