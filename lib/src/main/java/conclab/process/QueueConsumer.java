package conclab.process;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PushbackInputStream;

/**
 * The consumer of the two-process queue demo: reads the frames that {@link QueueProducer} writes (with
 * {@link DataInputStream#readUTF}) from its stdin, prints a line on its stdout for each, and ends at the end of
 * the stream between two frames. A stream cut inside a frame ends it with an {@link EOFException}.
 */
public final class QueueConsumer {
    private QueueConsumer() {}

    public static void main(String[] args) throws IOException {
        long me = ProcessHandle.current().pid();
        var in = new PushbackInputStream(new BufferedInputStream(System.in));
        var frames = new DataInputStream(in);
        int got = 0;
        for (int first; (first = in.read()) >= 0; got++) { // -1: the stream ended between two frames
            in.unread(first);
            System.out.println("process " + me + " got: " + frames.readUTF());
        }
        System.out.println("process " + me + ": end of stream after " + got + " messages");
    }
}
