package conclab.web;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebTest {
    @Test
    void titleIsTheTrimmedTextOfTheTitleElement() {
        assertEquals("Goods 7", Web.title("<html><head><title>Goods 7</title></head></html>"));
        assertEquals("A shop", Web.title("<TITLE lang=\"en\">\n  A shop\n</TITLE>"));
        assertEquals("", Web.title("<html><body>no title</body></html>"));
    }

    @Test
    void linksAreMadeAbsoluteInOrderAndInvalidOnesLeftOut() {
        String html = """
                <a href="/goods/8/">8</a> <A class="x" HREF='../9/'>9</A>
                <a href="http://example.org/x">x</a> <a href="bad target">?</a> <a name="no-href">-</a>""";
        assertEquals(List.of("http://127.0.0.1:80/goods/8/", "http://127.0.0.1:80/goods/9/", "http://example.org/x"),
                Web.links("http://127.0.0.1:80/goods/7/", html));
    }

    @Test
    void getOfAClosedPortFailsWithNoStatus() throws IOException {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/goods/1/";
        var failure = assertThrows(Web.Failure.class, () -> Web.get(url));
        assertEquals(0, failure.status());
        assertEquals(url, failure.url());
        assertTrue(failure.getMessage().startsWith("GET " + url + ": "), failure.getMessage());
    }

    @Test
    void getRejectsUrlsThatAreNotHttp() {
        assertThrows(IllegalArgumentException.class, () -> Web.get("https://127.0.0.1/"));
        assertThrows(IllegalArgumentException.class, () -> Web.get("goods/1/"));
    }

    @Test
    void getSendsAnHttp10RequestWithHostAndQueryAndFailsOnANonHttpAnswer() throws Exception {
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String authority = "127.0.0.1:" + server.getLocalPort();
            Future<Web.Failure> failure = pool.submit(() ->
                    assertThrows(Web.Failure.class, () -> Web.get("http://" + authority + "/a%20b?x=1")));
            try (Socket s = server.accept()) {
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(30));
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), ISO_8859_1));
                String head = in.readLine() + "\n" + in.readLine() + "\n" + in.readLine();
                assertEquals("GET /a%20b?x=1 HTTP/1.0\nHost: " + authority + "\n", head);
                s.getOutputStream().write("hello\r\n\r\n".getBytes(ISO_8859_1));
            }
            var f = failure.get(30, TimeUnit.SECONDS);
            assertEquals(0, f.status());
            assertTrue(f.getMessage().endsWith("not an HTTP answer: hello"), f.getMessage());
        }
    }
}
