import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hidden tests of the frames exercise: run when grading only. */
class MessagesHiddenTest {
    @Test
    @Property("through-a-child")
    void throughAChild() throws Exception {
        Process cat = new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.DISCARD).start(); // echoes its stdin
        try {
            var m = new Messages(cat.getInputStream(), cat.getOutputStream());
            // a conversation: each message is sent, then its echo awaited
            finish("a conversation with the child cat: send a message, receive its echo, three times", Duration.ofSeconds(4),
                    Liveness.task("client", () -> {
                        for (String s : List.of("ADD 2 3", "", "über 子进程 ✓")) {
                            m.send(s);
                            expect(s, m.receive());
                        }
                    }));
            // a big message: a pipe holds 64 KB, so it is sent and received at the same time, by two threads
            List<String> big = List.of("x".repeat(1 << 20), "last");
            finish("sending a 1 MB message through the child cat on one thread, receiving it on another", Duration.ofSeconds(4),
                    Liveness.task("sender", () -> {
                        for (String s : big) m.send(s);
                        cat.getOutputStream().close(); // cat ends once it has echoed everything
                    }),
                    Liveness.task("receiver", () -> {
                        for (String s : big) expect(s, m.receive());
                        String end = m.receive();
                        if (end != null) throw new AssertionError("After the child ended, receive() returned " + MessagesTest.show(end) + ", not null.");
                    }));
        } finally {
            cat.destroyForcibly();
            cat.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@link Liveness#finish}, with a word on what "running" means for a thread that waits on a pipe. */
    private static void finish(String what, Duration limit, Liveness.Task... tasks) {
        try {
            Liveness.finish(what, limit, tasks);
        } catch (AssertionError e) {
            if (!String.valueOf(e.getMessage()).contains("did not finish")) throw e;
            throw new AssertionError(e.getMessage() + "\n(A thread that waits to read from or write to a pipe shows as running: it"
                    + " waits inside the operating system. Did a message stay in a buffer, or is nobody reading the other end?)", e);
        }
    }

    private static void expect(String sent, String got) {
        if (!sent.equals(got)) {
            throw new AssertionError("The message " + MessagesTest.show(sent) + " came back from the child as " + MessagesTest.show(got) + ".");
        }
    }
}
