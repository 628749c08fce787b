package conclab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link State#of}: which top frames of a runnable thread count as waiting for the operating system. */
class StateTest {

    private static StackTraceElement top(String cls, String method) {
        return new StackTraceElement(cls, method, null, -1);
    }

    @Test
    void aSelectorWaitIsIoOnEveryPlatform() {
        assertEquals(State.IO, State.of(Thread.State.RUNNABLE, top("sun.nio.ch.EPoll", "wait")));      // Linux
        assertEquals(State.IO, State.of(Thread.State.RUNNABLE, top("sun.nio.ch.KQueue", "poll")));     // macOS
        assertEquals(State.IO, State.of(Thread.State.RUNNABLE, top("sun.nio.ch.WEPoll", "wait")));     // Windows
        assertEquals(State.IO, State.of(Thread.State.RUNNABLE, top("sun.nio.ch.PollSelectorImpl", "poll")));
    }

    @Test
    void otherFramesOfTheSameClassesAreRunning() {
        assertEquals(State.RUNNING, State.of(Thread.State.RUNNABLE, top("sun.nio.ch.EPoll", "ctl")));
        assertEquals(State.RUNNING, State.of(Thread.State.RUNNABLE, top("sun.nio.ch.KQueue", "register")));
        assertEquals(State.RUNNING, State.of(Thread.State.RUNNABLE, null));
    }

    @Test
    void waitingAndSleepingComeFromTheThreadState() {
        assertEquals(State.SLEEPING, State.of(Thread.State.TIMED_WAITING, top("java.lang.Thread", "sleep0")));
        assertEquals(State.WAITING, State.of(Thread.State.WAITING, top("jdk.internal.misc.Unsafe", "park")));
        assertEquals(State.BLOCKED, State.of(Thread.State.BLOCKED, top("REPL.Counter", "add")));  // at a synchronized entry
    }
}
