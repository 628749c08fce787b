package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.DataInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxTest {
    @Test
    void outputIsMergedPerCellAndStreamAndTheSyncComesLast() throws Exception {
        var sink = new PipedOutputStream();
        var source = new DataInputStream(new PipedInputStream(sink, 1 << 20));
        Outbox outbox = new Outbox(sink);
        for (int i = 0; i < 100; i++) outbox.send(new Outbox.Output(1, EngineWire.STDOUT, i + "\n"));
        outbox.send(new Outbox.Output(2, EngineWire.STDOUT, "other cell\n"));
        outbox.send(new Outbox.Output(1, EngineWire.STDERR, "an error\n"));
        long token = outbox.sync();
        outbox.start(); // queued before the writer starts: it merges what it finds

        List<String> frames = new ArrayList<>();
        StringBuilder cellOne = new StringBuilder();
        while (true) {
            EngineWire.Reader f = EngineWire.Reader.next(source);
            if (f.type == EngineWire.SYNC) {
                assertEquals(token, f.getLong());
                break;
            }
            long cell = f.getLong();
            byte stream = f.getByte();
            String text = f.getString();
            frames.add(cell + "/" + stream);
            if (cell == 1 && stream == EngineWire.STDOUT) cellOne.append(text);
        }
        assertEquals(List.of("1/1", "2/1", "1/2"), frames);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) expected.append(i).append('\n');
        assertEquals(expected.toString(), cellOne.toString());
    }
}
