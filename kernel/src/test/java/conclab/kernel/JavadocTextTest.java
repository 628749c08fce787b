package conclab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JavadocTextTest {
    @Test
    void inlineTagsBecomeTheirText() {
        assertEquals("Returns x < y for Map<K, V>, see Thread.sleep(long) or the pool.",
                JavadocText.plain("Returns {@code x < y} for {@code Map<K, V>}, see {@link Thread#sleep(long)} or {@link"
                        + " java.util.concurrent.Executors#newFixedThreadPool(int, ThreadFactory) the pool}."));
        assertEquals("a {b} c", JavadocText.plain("a {@code {b}} c"));
        assertEquals("sleep", JavadocText.plain("{@link #sleep}"));
    }

    @Test
    void htmlBecomesText() {
        assertEquals("First.\n\nSecond, <b> & more.\n  - one\n  - two",
                JavadocText.plain("First.<p>Second, &lt;b&gt; &amp; <em>more</em>.<ul><li>one</li><li>two</li></ul>"));
    }

    @Test
    void blockTagsStayAsTheyAre() {
        assertEquals("Sleeps.\n@param millis how long", JavadocText.plain("Sleeps.\n@param millis how long"));
    }
}
