package conclab.process;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * The producer of the two-process queue demo: puts {@code args[0]} messages on its stdout, each as a frame of
 * {@link DataOutputStream#writeUTF} (a 2-byte length, then the text in modified UTF-8), flushed at once, then
 * ends, which closes its stdout: the consumer reads the end of the stream. Start it in a pipeline with
 * {@link QueueConsumer}: {@code ProcessBuilder.startPipeline(List.of(Jvm.command(QueueProducer.class, "5"),
 * Jvm.command(QueueConsumer.class)))}, so that the pipe runs from one child to the other.
 *
 * <p>It writes to its stdout's file descriptor directly, not through {@code System.out}: a {@code PrintStream}
 * swallows write errors (only {@code checkError()} tells of them), so a producer whose consumer died would go
 * on and end with exit value 0. Here a failed write (a broken pipe) throws: the producer ends with a stack
 * trace on its stderr and exit value 1.
 */
public final class QueueProducer {
    private QueueProducer() {}

    public static void main(String[] args) throws IOException {
        int count = Integer.parseInt(args[0]);
        long me = ProcessHandle.current().pid();
        var out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        for (int i = 1; i <= count; i++) {
            out.writeUTF("item " + i + " of " + count + ", put by process " + me);
            out.flush(); // a frame that waits in a buffer is not in the queue yet
        }
    }
}
