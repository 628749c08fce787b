/**
 * Coroutines as Python has them, in Java: generators that yield, are sent values, thrown into and closed, and a
 * scheduler that runs many of them on one thread over an event loop. The course's chapter 12 (notebooks 12.6 to
 * 12.10) builds on it; every class works from plain Java and {@code jshell} too.
 *
 * <table>
 * <caption>Python, and its counterpart here</caption>
 * <tr><th>Python</th><th>conclab.coro</th></tr>
 * <tr><td>{@code def gen(): x = yield v; return r}</td>
 *     <td>{@code Generator.of(y -> { S x = y.yield(v); return r; })}</td></tr>
 * <tr><td>{@code next(g)}, {@code g.send(x)}, {@code g.throw(e)}, {@code g.close()}</td>
 *     <td>{@link conclab.coro.Generator#next}, {@link conclab.coro.Generator#send},
 *         {@link conclab.coro.Generator#throwIn}, {@link conclab.coro.Generator#close}</td></tr>
 * <tr><td>{@code inspect.getgeneratorstate(g)}</td><td>{@link conclab.coro.Generator#state}</td></tr>
 * <tr><td>{@code StopIteration.value}, {@code GeneratorExit}</td>
 *     <td>{@link conclab.coro.StopIteration#value}, {@link conclab.coro.GeneratorExit}</td></tr>
 * <tr><td>{@code r = yield from sub}</td><td>{@code r = y.yieldFrom(sub)} ({@link conclab.coro.Yielder#yieldFrom})</td></tr>
 * <tr><td>{@code for x in g:}</td><td>{@code for (var x : g)}</td></tr>
 * <tr><td>Beazley's {@code Scheduler}, {@code SystemCall}s, {@code ReadWait}/{@code WriteWait}</td>
 *     <td>{@link conclab.coro.Scheduler}, {@link conclab.coro.Scheduler.Call}, {@link conclab.coro.Scheduler.Readable}
 *         / {@link conclab.coro.Scheduler.Writable}</td></tr>
 * <tr><td>the 500-Lines crawler's {@code read(sock)}, Beazley's {@code sockwrap}</td><td>{@link conclab.coro.Io}</td></tr>
 * </table>
 *
 * <p>{@link conclab.coro.Generator#of} runs on {@code jdk.internal.vm.Continuation}, the JDK's own coroutine, which
 * virtual threads are built on. It is internal: a JVM that runs it needs
 * {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}, and it may change between JDK releases (this library
 * is built and tested on JDK 25). {@link conclab.coro.Generator#onThread} needs nothing and costs a thread.
 */
package conclab.coro;
