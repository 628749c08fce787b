package conclab.process;

import static conclab.process.Children.LIMIT;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TwoProcessQueueTest {
    @AfterEach
    void noChildIsLeft() {
        Children.assertNoneLeft();
    }

    @Test
    void theConsumerGetsEveryMessageInOrderThroughAPipeBetweenTwoChildren() throws Exception {
        List<Process> pair = ProcessBuilder.startPipeline(List.of(Jvm.command(QueueProducer.class, "5"), Jvm.command(QueueConsumer.class)));
        Process producer = pair.get(0), consumer = pair.get(1);
        List<String> lines = consumer.inputReader(StandardCharsets.UTF_8).lines().toList(); // ends when the consumer ends
        assertTrue(producer.waitFor(LIMIT, TimeUnit.SECONDS));
        assertTrue(consumer.waitFor(LIMIT, TimeUnit.SECONDS));
        assertEquals(0, producer.exitValue(), new String(producer.getErrorStream().readAllBytes()));
        assertEquals(0, consumer.exitValue(), new String(consumer.getErrorStream().readAllBytes()));
        assertEquals(6, lines.size(), lines.toString());
        for (int i = 1; i <= 5; i++) {
            assertEquals("process " + consumer.pid() + " got: item " + i + " of 5, put by process " + producer.pid(), lines.get(i - 1));
        }
        assertEquals("process " + consumer.pid() + ": end of stream after 5 messages", lines.get(5));
    }

    @Test
    void aStreamCutInsideAFrameFailsTheConsumer() throws Exception {
        var bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeUTF("whole ünï 子");
        bytes.write(new byte[] {0, 9, 'c', 'u', 't'}); // a frame of 9 bytes, 3 of them sent
        Process consumer = Jvm.start(QueueConsumer.class);
        try (var in = consumer.getOutputStream()) {
            in.write(bytes.toByteArray());
        }
        List<String> lines = consumer.inputReader(StandardCharsets.UTF_8).lines().toList();
        assertTrue(consumer.waitFor(LIMIT, TimeUnit.SECONDS));
        assertEquals(List.of("process " + consumer.pid() + " got: whole ünï 子"), lines);
        assertNotEquals(0, consumer.exitValue());
        assertTrue(new String(consumer.getErrorStream().readAllBytes()).contains("EOFException"));
    }

    @Test
    void aChildSeesTheStaticFieldsInitialValueAndItsChangeStaysInTheChild() throws Exception {
        int before = NotShared.value;
        NotShared.value = 42;
        try {
            Process child = Jvm.start(NotShared.class);
            List<String> lines = child.inputReader().lines().toList();
            assertTrue(child.waitFor(LIMIT, TimeUnit.SECONDS));
            assertEquals(List.of("child " + child.pid() + ": value = 1", "child " + child.pid() + ": value += 1, now value = 2"), lines);
            assertEquals(42, NotShared.value);
        } finally {
            NotShared.value = before;
        }
    }
}
