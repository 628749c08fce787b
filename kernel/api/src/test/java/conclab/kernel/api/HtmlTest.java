package conclab.kernel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {
    @Test
    void everyCharacterThatMeansSomethingInHtmlIsReplaced() {
        assertEquals("&lt;b title=&quot;a&#39;s&quot;&gt;Tom &amp; Jerry&lt;/b&gt;",
                Html.escape("<b title=\"a's\">Tom & Jerry</b>"));
    }

    @Test
    void otherTextIsLeftAsItIs() {
        assertEquals("线程 1 · ok", Html.escape("线程 1 · ok"));
        assertEquals("", Html.escape(""));
    }

    @Test
    void anEscapedAmpersandIsEscapedAgain() {
        assertEquals("&amp;amp;", Html.escape("&amp;"));
    }
}
