package conclab.process;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The producer of the two-process queue demo: puts {@code args[0]} messages on its stdout, each as a frame of
 * {@link DataOutputStream#writeUTF} (a 2-byte length, then the text in modified UTF-8), flushed at once, then
 * ends, which closes its stdout: the consumer reads the end of the stream. Start it in a pipeline with
 * {@link QueueConsumer}: {@code ProcessBuilder.startPipeline(List.of(Jvm.command(QueueProducer.class, "5"),
 * Jvm.command(QueueConsumer.class)))}, so that the pipe runs from one child to the other.
 */
public final class QueueProducer {
    private QueueProducer() {}

    public static void main(String[] args) throws IOException {
        int count = Integer.parseInt(args[0]);
        long me = ProcessHandle.current().pid();
        var out = new DataOutputStream(new BufferedOutputStream(System.out));
        for (int i = 1; i <= count; i++) {
            out.writeUTF("item " + i + " of " + count + ", put by process " + me);
            out.flush(); // a frame that waits in a buffer is not in the queue yet
        }
    }
}
