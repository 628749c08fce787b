import conclab.grader.probe.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hidden tests of the crawl-queue exercise: run when grading only. */
class CrawlHiddenTest {
    @Test
    @Property("more-urls-than-the-queue-holds")
    void moreUrlsThanTheQueueHolds() {
        Map<String, String> pages = CrawlTest.fetchAll(CrawlTest.urls(200), 2, url -> "page of " + url);
        if (pages.size() != 200) throw new AssertionError("200 URLs gave " + pages.size() + " pages.");
    }

    /**
     * A URL that is the pill's text, "stop", written as a literal: Java interns literals, so it is the very
     * object a pill written as the literal "stop" would be, and equal to any pill of that text.
     */
    @Test
    @Property("a-url-like-the-pill")
    void aUrlLikeThePill() {
        List<String> urls = new ArrayList<>(CrawlTest.urls(10));
        urls.add(5, "stop");
        Map<String, String> pages = CrawlTest.fetchAll(urls, 2, url -> "page of " + url);
        if (!"page of stop".equals(pages.get("stop"))) {
            throw new AssertionError("Among 11 URLs, the URL \"stop\" gave " + pages.get("stop") + ", not its page: a consumer"
                    + " took it for its pill. Compare with == against a pill that is an object of its own (new String(\"stop\")),"
                    + " which no URL can be.");
        }
        if (pages.size() != 11) throw new AssertionError("11 URLs gave " + pages.size() + " pages.");
    }
}
