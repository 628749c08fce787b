package conclab.web;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;

/**
 * An open-loop load: requests sent at a fixed rate, whatever the answers, with the three quantities of
 * Little's law measured apart, so that L = λ × W can be tested rather than assumed.
 *
 * <pre>{@code
 * var r = OpenLoad.run(100, Duration.ofSeconds(2), i -> Web.get(shop.url(i % 20 + 1)), shop::inFlight);
 * r.inFlight() / (r.perSecond() * r.meanSeconds())   // close to 1
 * }</pre>
 *
 * <p>Sending: request {@code i} (from 0) is due at {@code i / perSecond} seconds after the start and runs on
 * a virtual thread of its own, started by the calling thread when it is due; the calling thread never waits
 * for an answer before sending the next request (an <em>open</em> loop; a closed loop, where each of N clients
 * sends its next request when the last is answered, keeps N in flight, so taking L to be N makes λ × W equal
 * it by construction). A request's time is measured from when it was <em>due</em>, not from when its thread
 * started, so a sender that falls behind makes W longer instead of hiding the delay; {@link
 * Result#maxLate()} says how far behind it fell.
 *
 * <p>The three measures: λ is the rate set, not a measurement: the number of requests sent divided by the
 * sending time ({@code length}), which the schedule fixes ({@link Result#maxLate()} says how far the sending
 * fell behind it); W is the mean time from due to answered, over every request answered without an exception;
 * L is the mean of {@code inFlight}, sampled about every 1 ms by a platform thread of its own from
 * {@code length / 4} (so the system has filled) to {@code length}. So W is averaged over the whole run and L
 * over its last three quarters. L comes from the server's own count, W from the client's clock and λ from the
 * schedule: nothing makes L agree with λ × W but the law.
 *
 * <p>Bounds: {@link #run} returns when every request has finished, or 30 seconds after the sending ended, when
 * it interrupts the requests still running (they count as failed). A request that throws a {@code
 * RuntimeException} counts as not answered. If the calling thread is interrupted while sending, {@code run}
 * interrupts the requests sent and throws {@link InterruptedException}. Thread safety: {@code run} may be called
 * from any thread; {@code request} is called on many threads at once, and {@code inFlight} on the sampler's.
 */
public final class OpenLoad {
    private OpenLoad() {}

    /** How long {@link #run} waits for the last requests after the sending has ended. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
    /** How often the sampler reads {@code inFlight}. */
    private static final long SAMPLE_EVERY_NANOS = 1_000_000;

    /**
     * What one run measured.
     *
     * @param sent        requests sent
     * @param answered    requests that returned without an exception
     * @param perSecond   λ: requests sent per second of sending (the rate set, fixed by the schedule)
     * @param meanSeconds W: mean seconds from a request's due time to its answer, over the answered ones
     * @param inFlight    L: the mean of the sampled {@code inFlight} counts (NaN if no sample was taken: on
     *                    a machine too busy to run the sampler during its window, or for a very short load)
     * @param samples     how many samples L is the mean of
     * @param maxLate     the most a request's thread started after its due time
     */
    public record Result(int sent, int answered, double perSecond, double meanSeconds, double inFlight, int samples,
                         Duration maxLate) {
        /** λ × W. */
        public double product() {
            return perSecond * meanSeconds;
        }

        /** L / (λ × W): 1 when the law holds and the three were measured on the same boundary. */
        public double ratio() {
            return inFlight / product();
        }
    }

    /**
     * Sends {@code perSecond × length} requests at a fixed rate, {@code request.accept(i)} each on a virtual
     * thread of its own, samples {@code inFlight} meanwhile, and returns what was measured once every
     * request has finished (see the class comment for the bounds).
     *
     * @throws IllegalArgumentException if the rate is not positive, or the length gives no request
     */
    public static Result run(double perSecond, Duration length, IntConsumer request, IntSupplier inFlight)
            throws InterruptedException {
        if (!(perSecond > 0)) throw new IllegalArgumentException("the rate must be positive: " + perSecond);
        int n = (int) Math.round(perSecond * length.toNanos() / 1e9);
        if (n < 1) throw new IllegalArgumentException(length + " at " + perSecond + "/s sends no request");
        double period = 1e9 / perSecond;
        LongAdder answeredNanos = new LongAdder();
        AtomicInteger answered = new AtomicInteger();
        AtomicLong maxLate = new AtomicLong();
        // The times are fixed first; the sending waits until the sampler runs (a late start makes requests late).
        long start = System.nanoTime() + 10_000_000;
        long sampleFrom = start + length.toNanos() / 4, sampleTo = start + length.toNanos();
        long[] sum = new long[2]; // written by the sampler, read after join: {sum of samples, count}
        CountDownLatch samplerRuns = new CountDownLatch(1);
        Thread sampler = Thread.ofPlatform().daemon().name("open-load sampler").start(() -> {
            samplerRuns.countDown();
            while (System.nanoTime() < sampleFrom && !Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(sampleFrom - System.nanoTime());
            }
            for (long now = System.nanoTime(); now < sampleTo && !Thread.currentThread().isInterrupted();
                 now = System.nanoTime()) {
                sum[0] += inFlight.getAsInt();
                sum[1]++;
                LockSupport.parkNanos(SAMPLE_EVERY_NANOS);
            }
        });
        if (!samplerRuns.await(10, TimeUnit.SECONDS)) {
            sampler.interrupt();
            throw new IllegalStateException("the sampler thread did not start within 10 s");
        }
        ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < n; i++) {
                long due = start + Math.round(i * period);
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                    if (Thread.interrupted()) {
                        requests.shutdownNow();
                        sampler.interrupt();
                        throw new InterruptedException("interrupted after sending " + i + " of " + n + " requests");
                    }
                }
                int id = i;
                requests.execute(() -> {
                    maxLate.accumulateAndGet(System.nanoTime() - due, Math::max);
                    try {
                        request.accept(id);
                    } catch (RuntimeException e) {
                        return; // a failed request: counted as not answered
                    }
                    answeredNanos.add(System.nanoTime() - due);
                    answered.incrementAndGet();
                });
            }
        } finally {
            requests.shutdown();
            if (!requests.awaitTermination(DRAIN_LIMIT.toNanos() + length.toNanos(), TimeUnit.NANOSECONDS)) {
                requests.shutdownNow();
            }
            sampler.join();
        }
        int ok = answered.get();
        return new Result(n, ok, n / (length.toNanos() / 1e9), ok == 0 ? Double.NaN : answeredNanos.sum() / 1e9 / ok,
                sum[1] == 0 ? Double.NaN : (double) sum[0] / sum[1], (int) sum[1], Duration.ofNanos(maxLate.get()));
    }
}
