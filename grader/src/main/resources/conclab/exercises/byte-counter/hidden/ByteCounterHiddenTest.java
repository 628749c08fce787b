import conclab.grader.probe.Property;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

/** Hidden tests of the byte-counter exercise: used for grading only. */
class ByteCounterHiddenTest {
    @Test
    @Property("empty-connection")
    void emptyConnection() throws Exception {
        ByteCounterTest t = new ByteCounterTest();
        try {
            t.start(2);
            SocketChannel silent = t.connect();
            SocketChannel talker = t.connect();
            silent.close();
            ByteCounterTest.send(talker, 500);
            talker.close();
            t.running.awaitEnd("a client closed without sending and another sent 500 bytes");
            t.expectCount(silent, 0);
            t.expectCount(talker, 500);
        } finally {
            t.closeAll();
        }
    }
}
