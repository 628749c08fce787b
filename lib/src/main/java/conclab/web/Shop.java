package conclab.web;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a {@link WebServer} says, apart from when and how it says it: the shop's pages, and the HTTP framing
 * around them (reading a request head, choosing the status, writing the answer's bytes). See
 * {@link WebServer} for the pages and the protocol.
 *
 * <p>Immutable, hence thread-safe. Its predicates are called on the requests' threads.
 */
final class Shop {
    /** The status of a request that gets no answer: its connection is closed. */
    static final int HANG_UP = 0;
    /** The longest request head read; a longer one gets its connection closed. */
    private static final int MAX_HEAD = 8192;
    /** A goods page's path; group 1 is its number. */
    private static final Pattern GOODS = Pattern.compile("/goods/(\\d{1,9})/?");

    /** Goods pages 1 to {@code pages} exist. */
    private final int pages;
    private final IntPredicate serverError;
    private final IntPredicate hangUp;

    Shop(int pages, IntPredicate serverError, IntPredicate hangUp) {
        this.pages = pages;
        this.serverError = serverError;
        this.hangUp = hangUp;
    }

    /**
     * A request line: method, path, HTTP version, and the goods number in the path (-1 if it is not a goods
     * page's path). A malformed line gives "" for method, path and version.
     */
    record Request(String method, String path, String version, int page) {
        static Request parse(String head) {
            String[] line = head.lines().findFirst().orElse("").split(" ");
            if (line.length != 3 || !line[2].startsWith("HTTP/1.")) return new Request("", "", "", -1);
            return new Request(line[0], line[1], line[2], goodsNumber(line[1]));
        }
    }

    /** The status that {@code r} gets: 200, 400, 404, 405, 500, or {@link #HANG_UP}. */
    int status(Request r) {
        if (r.version().isEmpty()) return 400;
        if (!r.method().equals("GET")) return 405;
        if (r.page() < 0) return r.path().equals("/") ? 200 : 404;
        if (r.page() < 1 || r.page() > pages) return 404;
        if (hangUp.test(r.page())) return HANG_UP;
        return serverError.test(r.page()) ? 500 : 200;
    }

    /** The whole answer to {@code r} with {@code status} (not {@link #HANG_UP}): status line, headers, body. */
    byte[] answer(Request r, int status) {
        byte[] body = html(status, r.page()).getBytes(UTF_8);
        String head = (r.version().equals("HTTP/1.0") ? "HTTP/1.0 " : "HTTP/1.1 ") + status + " " + reason(status)
                + "\r\nContent-Type: text/html; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        var out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.getBytes(ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * Reads a request head: the bytes up to and including the first empty line ({@code \r\n} or {@code \n}
     * line ends). Returns null if the stream ends first; throws if the head is longer than {@link #MAX_HEAD}.
     * Reads byte by byte: give it a buffered stream.
     */
    static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int lineEnds = 0; // consecutive line ends just read, not counting \r
        while (lineEnds < 2) {
            int b = in.read();
            if (b < 0) return null;
            if (head.size() == MAX_HEAD) throw new IOException("request head longer than " + MAX_HEAD);
            head.write(b);
            if (b == '\n') lineEnds++;
            else if (b != '\r') lineEnds = 0;
        }
        return head.toString(ISO_8859_1);
    }

    /** The goods number in {@code path} (its query ignored), or -1 if it is not a goods page's path. */
    private static int goodsNumber(String path) {
        int q = path.indexOf('?');
        Matcher m = GOODS.matcher(q < 0 ? path : path.substring(0, q));
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The body answered with {@code status} for goods page {@code page} (-1: the index). */
    private String html(int status, int page) {
        return switch (status) {
            case 200 -> page < 0 ? document("Goods", links(IntStream.rangeClosed(1, pages)))
                    : document("Goods " + page, links(IntStream.rangeClosed(1, 3)
                            .map(k -> (page - 1 + k) % pages + 1).filter(n -> n != page).distinct()));
            case 500 -> document("500 Internal Server Error", "<p>Goods " + page + " failed.</p>");
            default -> document(status + " " + reason(status), "");
        };
    }

    private static String links(IntStream goods) {
        return goods.mapToObj(n -> "<li><a href=\"/goods/" + n + "/\">Goods " + n + "</a></li>")
                .collect(Collectors.joining("\n", "<ul>\n", "\n</ul>"));
    }

    private static String document(String title, String body) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n"
                + "<body><h1>" + title + "</h1>\n" + body + "\n</body></html>\n";
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            default -> "Internal Server Error";
        };
    }
}
