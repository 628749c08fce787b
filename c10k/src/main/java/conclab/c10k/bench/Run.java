package conclab.c10k.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the results: one server at one size under one client, as measured. A null figure was not
 * measured (wrk reports no held count and no p99.9; a failed phase measures nothing after it).
 *
 * @param server              the server's kind ({@code loop}, {@code netty-epoll-1}, ...)
 * @param size                the connections asked for
 * @param client              {@code ours} (the load generator) or {@code wrk}
 * @param held                connections open when the load began
 * @param connectMs           how long the generator took to hold them (its {@code held} line's {@code ms})
 * @param accepted            connections the server had accepted before the load (the descriptors it gained
 *                            since idle); memory per connection is divided by this
 * @param errors              resets, early closes, unexpected bytes (wrk: socket errors and non-2xx answers)
 * @param timeouts            requests unanswered within the client's timeout
 * @param sent                requests sent during the load (wrk does not say)
 * @param completed           requests answered during the load
 * @param rps                 completed requests per second
 * @param p50us               median latency, microseconds
 * @param p99us               99th percentile latency, microseconds
 * @param p999us              99.9th percentile latency, microseconds
 * @param cpuUsPerRequest     the server's CPU time (user plus system) during the load, per completed request
 * @param otherCpu            other work during the load, in processors' worth (1.0: one processor the whole
 *                            time): the busy time of the processors the benchmark may use (Linux's
 *                            {@code /proc/stat}, {@link conclab.threads.CpuUse}) less the CPU time of the server, the
 *                            client and the driver; a tenth of the processors measured (the machine's
 *                            {@code cpusMeasured}) or more: other work may have competed with the run for them.
 *                            Measured for our generator's rows on Linux, null elsewhere
 * @param threads             the server's threads while the connections were open
 * @param heapPerConnBytes    heap used after a GC, connections held less none, per connection accepted
 * @param nativePerConnBytes  native memory (NMT, outside the heap), held less none, per connection accepted
 * @param answeredConnections connections that got at least one answer
 * @param note                what went wrong or differs, in words; null if nothing
 */
record Run(String server, int size, String client, Integer held, Long connectMs, Integer accepted, Long errors, Long timeouts, Long sent, Long completed,
           Double rps, Long p50us, Long p99us, Long p999us, Double cpuUsPerRequest, Double otherCpu, Integer threads,
           Long heapPerConnBytes, Long nativePerConnBytes, Integer answeredConnections, String note) {

    /** A run that measured nothing, and why. */
    static Run failed(String server, int size, String client, String note) {
        return new Run(server, size, client, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, note);
    }

    /** This run with {@code more} added to its note. */
    Run withNote(String more) {
        if (more == null) return this;
        String joined = note == null ? more : note + "; " + more;
        return new Run(server, size, client, held, connectMs, accepted, errors, timeouts, sent, completed, rps, p50us, p99us, p999us,
                cpuUsPerRequest, otherCpu, threads, heapPerConnBytes, nativePerConnBytes, answeredConnections, joined);
    }

    /** Heap plus native memory per idle connection, in bytes; null unless both were measured. */
    Long totalPerConnBytes() {
        return heapPerConnBytes == null || nativePerConnBytes == null ? null : heapPerConnBytes + nativePerConnBytes;
    }

    /** The fields by their JSON names, in order. */
    Map<String, Object> fields() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("server", server);
        f.put("size", size);
        f.put("client", client);
        f.put("held", held);
        f.put("connectMs", connectMs);
        f.put("accepted", accepted);
        f.put("errors", errors);
        f.put("timeouts", timeouts);
        f.put("sent", sent);
        f.put("completed", completed);
        f.put("rps", rps);
        f.put("p50us", p50us);
        f.put("p99us", p99us);
        f.put("p999us", p999us);
        f.put("cpuUsPerRequest", cpuUsPerRequest);
        f.put("otherCpu", otherCpu);
        f.put("threads", threads);
        f.put("heapPerConnBytes", heapPerConnBytes);
        f.put("nativePerConnBytes", nativePerConnBytes);
        f.put("answeredConnections", answeredConnections);
        f.put("note", note);
        return f;
    }
}
