package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM of a {@link ProcessPool}, running {@link ChildMain}, and the parent's ends of its pipes.
 *
 * <p>{@link #call} runs one task and is not thread-safe: the pool lends a child to one thread at a time.
 * A daemon thread reads the child's stdout into {@link #replies}, so that the thread in {@code call} waits
 * on a queue, which it can be interrupted from, and not on a pipe, which it cannot; another one forwards
 * the child's own stderr (the JVM's messages, not the tasks': those come as messages).
 */
final class Child {
    /** Put into {@link #replies} when the child's stdout ends (compared by identity). */
    private static final String END = new String("end of stdout");

    /** The child JVM. */
    final Process process;
    /** The child's stdin: where requests go. */
    private final Writer requests;
    /** The lines of the child's stdout, then {@link #END}. */
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    /** {@code "[child PID] "}, put before each line the task prints. */
    private final String prefix;

    Child() {
        process = Jvm.start(ChildMain.class);
        prefix = Jvm.prefix(process);
        requests = new OutputStreamWriter(process.getOutputStream(), UTF_8);
        Thread.ofPlatform().name("conclab-child-" + pid() + "-stdout").daemon().start(this::readReplies);
        Jvm.forwardErrors(process);
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    /** The stdout reader's loop: each line into {@link #replies}, then {@link #END}. */
    private void readReplies() {
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) replies.add(line);
        } catch (IOException e) {
            // the pipe broke: the child is gone
        } finally {
            replies.add(END);
        }
    }

    /**
     * Runs the task {@code className} on {@code input} in the child and returns its answer; prints what the
     * task prints, on this thread, prefixed with {@code [child PID]}. Throws {@link ChildException} if the
     * task threw or the child ended; if interrupted while it waits, kills the child (a process cannot be
     * interrupted, but it can be killed) and throws {@link ChildException}.
     */
    String call(String className, String input) {
        try {
            requests.write("run " + className + " " + Wire.escape(input) + "\n");
            requests.flush();
            while (true) {
                String reply = replies.take();
                if (reply == END) throw new ChildException(pid(), "child " + pid() + " exited with code "
                        + exitCode() + " while running " + describe(className, input));
                String text = Wire.text(reply);
                switch (Wire.word(reply)) {
                    case "out" -> System.out.println(prefix + text);
                    case "err" -> System.err.println(prefix + text);
                    case "ok" -> { return text; }
                    case "fail" -> throw new ChildException(pid(), describe(className, input) + " failed in child " + pid() + ": " + text);
                    default -> System.out.println(prefix + reply); // printed on the real stdout by other means
                }
            }
        } catch (InterruptedException e) {
            Jvm.kill(process);
            Thread.currentThread().interrupt();
            throw new ChildException(pid(), "child " + pid() + " killed: interrupted while running " + describe(className, input));
        } catch (IOException e) { // the child's stdin is closed: it has ended, or is ending
            Jvm.kill(process);
            throw new ChildException(pid(), "child " + pid() + " is gone (" + e.getMessage() + ")");
        }
    }

    /** A task in a message: {@code Tasks$Fib("30")}, the input cut to 40 characters. */
    static String describe(String className, String input) {
        String in = input.length() > 40 ? input.substring(0, 37) + "..." : input;
        return className.substring(className.lastIndexOf('.') + 1) + "(\"" + Wire.escape(in) + "\")";
    }

    /** The child's exit code, once it has exited (waiting up to 10 s for that); -1 if it has not. */
    private int exitCode() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Ends the child: closes its stdin, waits up to {@code grace}, then kills it. */
    void end(Duration grace) {
        Jvm.end(process, grace);
    }
}
