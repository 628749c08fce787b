package conclab.web;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A web client for notebooks, without checked exceptions: {@link #get} downloads a page, {@link #title} and
 * {@link #links} read it.
 *
 * <pre>{@code
 * String html = Web.get(shop.url(7));
 * Web.title(html)                    // "Goods 7"
 * Web.links(shop.url(7), html)       // [http://127.0.0.1:PORT/goods/8/, ...]
 * }</pre>
 *
 * <p>{@link #get} is a plain blocking HTTP/1.0 client over a {@link Socket}: it sends the request and reads
 * the answer until the server closes the connection, all on the calling thread. Two reasons not to use the
 * JDK's clients: {@code HttpURLConnection} silently sends a GET a second time when the server closes without
 * answering (so a {@link WebServer.Builder#hangUp} page would be asked twice), and {@code HttpClient} works on
 * threads of its own, which then appear in traces and hide that the caller blocks. Plain {@code http} only;
 * no redirects, no keep-alive, no chunked encoding (an HTTP/1.0 request gets none).
 *
 * <p>Thread-safe: the methods share no state.
 */
public final class Web {
    private Web() {}

    /** How long {@link #get} waits for a connection. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** How long {@link #get} waits for the server's next bytes: longer than any latency the course uses. */
    private static final int READ_TIMEOUT_MILLIS = 60_000;
    /** A title element; group 1 is its text. */
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    /** A link's opening tag; group 1 is its target. */
    private static final Pattern HREF = Pattern.compile("(?i)<a\\s[^>]*?href\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final byte[] BLANK_LINE = "\r\n\r\n".getBytes(ISO_8859_1);

    /** Thrown when a page cannot be had: no connection, no answer, or an answer other than 200 OK. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String url;
        private final int status;

        Failure(String url, int status, String message, Throwable cause) {
            super("GET " + url + ": " + message, cause);
            this.url = url;
            this.status = status;
        }

        /** The URL asked for. */
        public String url() {
            return url;
        }

        /** The HTTP status answered (404, 500, ...), or 0 if there was no HTTP answer at all. */
        public int status() {
            return status;
        }
    }

    /**
     * Downloads {@code url} and returns the body, decoded as UTF-8. Blocks until the server has answered and
     * closed the connection (at most 10 s to connect, 60 s between bytes).
     *
     * @throws Failure if the connection fails or times out, the server closes without answering, or answers
     *     other than 200 ({@link Failure#status()} tells which status). On a virtual thread, an interrupt ends
     *     the wait with a Failure, and the thread stays interrupted.
     * @throws IllegalArgumentException if {@code url} is not an {@code http://} URL
     */
    public static String get(String url) {
        URI uri = URI.create(url);
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null)
            throw new IllegalArgumentException("not an http:// URL: " + url);
        byte[] answer;
        try (var s = new Socket()) {
            int port = uri.getPort() < 0 ? 80 : uri.getPort();
            s.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.getOutputStream().write(request(uri));
            answer = s.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new Failure(url, 0, e.toString(), e);
        }
        return body(url, answer);
    }

    /** The text of the page's {@code <title>}, trimmed (entities are not decoded); "" if it has none. */
    public static String title(String html) {
        Matcher m = TITLE.matcher(html);
        return m.find() ? m.group(1).trim() : "";
    }

    /**
     * The targets of the page's {@code <a href="...">} links, in order, made absolute against {@code pageUrl},
     * the URL the page came from. Targets that are not valid URIs are left out.
     */
    public static List<String> links(String pageUrl, String html) {
        URI base = URI.create(pageUrl);
        List<String> links = new ArrayList<>();
        Matcher m = HREF.matcher(html);
        while (m.find()) {
            try {
                links.add(base.resolve(m.group(1)).toString());
            } catch (IllegalArgumentException e) {
                // not a URI: a crawler could not follow it either
            }
        }
        return links;
    }

    /** The bytes of a GET request for {@code uri}. */
    private static byte[] request(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
        return ("GET " + path + " HTTP/1.0\r\nHost: " + uri.getRawAuthority() + "\r\n\r\n").getBytes(ISO_8859_1);
    }

    /** The body of {@code answer}, a whole HTTP answer to a GET of {@code url}, if its status is 200. */
    private static String body(String url, byte[] answer) {
        if (answer.length == 0) throw new Failure(url, 0, "the server closed the connection without answering", null);
        int end = indexOf(answer, BLANK_LINE);
        String statusLine = new String(answer, 0, lineEnd(answer), ISO_8859_1);
        String[] parts = statusLine.split(" ", 3);
        int status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? parseStatus(parts[1]) : 0;
        if (end < 0 || status == 0) throw new Failure(url, 0, "not an HTTP answer: " + statusLine, null);
        if (status != 200) throw new Failure(url, status, statusLine, null);
        return new String(Arrays.copyOfRange(answer, end + BLANK_LINE.length, answer.length), UTF_8);
    }

    private static int parseStatus(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The index of the first line end in {@code bytes}, or its length if there is none. */
    private static int lineEnd(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) if (bytes[i] == '\r' || bytes[i] == '\n') return i;
        return bytes.length;
    }

    /** The index of the first occurrence of {@code part} in {@code bytes}, or -1. */
    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++)
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) return i;
        return -1;
    }
}
