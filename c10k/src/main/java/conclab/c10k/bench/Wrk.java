package conclab.c10k.bench;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wrk}, the external client nobody here wrote: one run against a server, and its summary read back.
 *
 * <p>{@code wrk -t2 -cN -dDs --timeout Ts --latency http://127.0.0.1:PORT/}: two threads keep N connections,
 * each with one request outstanding (closed loop: a request is sent when the previous answer came, and its
 * latency is timed from that send, so a stalled server delays the requests instead of showing their wait).
 * It prints its summary when the D seconds are over; the caller bounds the whole run with {@link Child#output}.
 */
final class Wrk {
    private Wrk() {}

    /** What one run printed. Latencies in microseconds (null if wrk printed none: no request completed). */
    record Result(long requests, double rps, Long p50us, Long p99us,
                  long connectErrors, long readErrors, long writeErrors, long timeouts, long non2xx) {
        /** Socket errors other than timeouts, and answers other than 2xx or 3xx. */
        long errors() {
            return connectErrors + readErrors + writeErrors + non2xx;
        }
    }

    /** Whether {@code wrk} runs here. */
    static boolean installed() {
        try {
            Child.start(List.of("wrk", "--version")).output(Duration.ofSeconds(10));
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** Starts a run of {@code load} against 127.0.0.1:{@code port}; take its output with {@link Child#output}. */
    static Child start(int port, int connections, Duration load, Duration timeout) {
        return Child.start(List.of("wrk", "-t2", "-c" + connections, "-d" + load.toSeconds() + "s",
                "--timeout", Math.max(1, timeout.toSeconds()) + "s", "--latency", "http://127.0.0.1:" + port + "/"));
    }

    /** The summary in wrk's output, or null if it has none (wrk failed, or was killed before the end). */
    static Result parse(List<String> output) {
        String text = String.join("\n", output);
        Matcher rps = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(text);
        Matcher requests = Pattern.compile("(\\d+) requests in").matcher(text);
        if (!rps.find() || !requests.find()) return null;
        Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(text);
        boolean errors = socket.find();
        Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(text);
        Map<String, Long> latency = new HashMap<>(); // percentile -> microseconds
        Matcher line = Pattern.compile("(?m)^\\s+(50|99)%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$").matcher(text);
        while (line.find()) latency.put(line.group(1), micros(line.group(2), line.group(3)));
        return new Result(Long.parseLong(requests.group(1)), Double.parseDouble(rps.group(1)),
                latency.get("50"), latency.get("99"),
                errors ? Long.parseLong(socket.group(1)) : 0, errors ? Long.parseLong(socket.group(2)) : 0,
                errors ? Long.parseLong(socket.group(3)) : 0, errors ? Long.parseLong(socket.group(4)) : 0,
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0);
    }

    /** A time as wrk prints it ({@code 635.91us}, {@code 1.16ms}, {@code 2.00s}, {@code 1.50m}), in microseconds. */
    static long micros(String number, String unit) {
        double scale = switch (unit) {
            case "us" -> 1;
            case "ms" -> 1e3;
            case "s" -> 1e6;
            case "m" -> 60e6;
            case "h" -> 3600e6;
            default -> throw new IllegalArgumentException("not a wrk time unit: " + unit);
        };
        return Math.round(Double.parseDouble(number) * scale);
    }
}
