/**
 * The C10K lab's servers (notebook 12.11): ten thousand connections on one machine, served five ways, all speaking
 * the same minimal HTTP/1.1 ({@link conclab.c10k.Protocol}) so that they differ only in how they wait.
 * A thread per connection blocks in {@code read} and {@code write}, and costs a platform thread ({@code threads}), a
 * place in a fixed pool where connection 201 waits for one of 200 threads ({@code pool}), or a virtual thread
 * ({@code virtual}): the same code, one executor apart ({@link conclab.c10k.BlockingServer}).
 * An event loop waits for every connection at once on one thread and runs a callback for each that is ready, one
 * loop ({@code loop}) or one per core fed by an acceptor loop ({@code loops}) ({@link conclab.c10k.LoopServer}, on
 * the course's {@link conclab.io.EventLoop}), and the same server on a bare {@link java.nio.channels.Selector}
 * ({@code bare}, {@link conclab.c10k.BareServer}) is the floor that the loop is measured against.
 * Start one with {@link conclab.c10k.C10kServer#start}, or in a JVM of its own with {@link conclab.c10k.Serve}; the
 * fifth way, Netty, is in the module {@code conclab-c10k}, with the load generator and the benchmark.
 */
package conclab.c10k;
