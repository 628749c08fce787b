package conclab.io;

/**
 * A piece of work for an {@link EventLoop}: a channel's callback, a task, a timer's task. It runs on the loop's
 * thread and must not block. It may throw: the loop reports the exception and goes on (see {@link EventLoop}).
 */
@FunctionalInterface
public interface Callback {
    void run() throws Exception;
}
