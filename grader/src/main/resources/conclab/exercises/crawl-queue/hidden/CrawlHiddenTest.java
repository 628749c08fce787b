import conclab.grader.probe.Property;
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
}
