package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The main class of a {@link ProcessPool}'s children: runs the tasks it reads on stdin, one at a time, and
 * answers each on stdout, in the {@link Wire} protocol.
 *
 * <p>Stdout carries the protocol only. {@code System.out} and {@code System.err} are replaced by streams
 * that send what a task prints as {@code out} and {@code err} messages, a line at a time; a line the task
 * has not ended when it returns is sent then, before the answer. A daemon thread reads stdin and hands
 * the requests to the main thread, which runs them; when stdin ends, the child exits at once, even in the
 * middle of a task. That is how a parent ends its children, and what happens when the parent dies.
 */
public final class ChildMain {
    private ChildMain() {}

    /** The real stdout: the protocol. Guarded by itself, so that each message is written whole. */
    private static final PrintStream wire = new PrintStream(new FileOutputStream(FileDescriptor.out), false, UTF_8);

    public static void main(String[] args) throws InterruptedException {
        System.setOut(new PrintStream(new LineSender("out"), false, UTF_8));
        System.setErr(new PrintStream(new LineSender("err"), false, UTF_8));
        BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        Thread.ofPlatform().name("stdin-reader").daemon().start(() -> read(requests));
        while (true) {
            String call = Wire.text(requests.take()); // "run CLASS INPUT" without "run"; class names have no '\'
            int space = call.indexOf(' ');
            send(run(call.substring(0, space), call.substring(space + 1)));
        }
    }

    /** Puts each line of stdin into {@code requests}; exits the JVM when stdin ends. */
    private static void read(BlockingQueue<String> requests) {
        try (var in = new BufferedReader(new InputStreamReader(System.in, UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) requests.add(line);
        } catch (IOException e) {
            // stdin is gone: as good as ended
        }
        System.exit(0);
    }

    /** Runs one task; returns the answer message ({@code ok} or {@code fail}), after the task's output. */
    static String run(String className, String input) {
        try {
            var task = (ChildTask) Class.forName(className).getConstructor().newInstance();
            return "ok " + Wire.escape(String.valueOf(task.run(input)));
        } catch (Throwable e) { // a StackOverflowError too: the child lives on
            var trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return "fail " + Wire.escape(trace.toString().stripTrailing());
        } finally {
            System.out.flush();
            System.err.flush();
        }
    }

    /** Writes one message and a line feed to stdout, and flushes. */
    static void send(String message) {
        synchronized (wire) {
            wire.print(message);
            wire.print('\n');
            wire.flush();
        }
    }

    /** Sends what is written to it as messages of one word, a line at a time; {@link #flush} sends a line not ended. */
    private static final class LineSender extends OutputStream {
        private final String word;
        /** The bytes of the line not ended yet; guarded by this. */
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSender(String word) {
            this.word = word;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') sendLine();
            else line.write(b);
        }

        @Override
        public synchronized void flush() {
            if (line.size() > 0) sendLine();
        }

        private void sendLine() {
            send(word + " " + Wire.escape(line.toString(UTF_8)));
            line.reset();
        }
    }
}
