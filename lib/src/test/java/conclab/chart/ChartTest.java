package conclab.chart;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

class ChartTest {
    @Test
    void aLineChartIsValidSvgWithItsDataAsText() throws Exception {
        Chart c = Chart.line("Speedup", "threads", "speedup")
                .series("measured", List.of(1, 2, 4), List.of(1.0, 1.9, 2.05))
                .series("ideal", new double[] {1, 2, 4}, new double[] {1, 2, 4});
        String svg = c.svg();
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals("Speedup (threads → speedup)\n  measured: 1=1 2=1.90 4=2.05\n  ideal: 1.0=1 2.0=2 4.0=4", c.toString());
        assertFalse(svg.contains("<!DOCTYPE"), "no external DTD to fetch");
        var bundle = c.mimeBundle();
        assertTrue(bundle.get("text/html").startsWith("<svg"), "inline in HTML: no XML declaration");
        assertEquals("svg", parse(bundle.get("image/svg+xml")).getDocumentElement().getNodeName());
    }

    @Test
    void linesDifferInDashAsWellAsColourSoThatTheyReadInGrey() {
        String one = Chart.line("One", "x", "y").series("a", List.of(1, 2), List.of(1, 2)).svg();
        String two = Chart.line("Two", "x", "y").series("a", List.of(1, 2), List.of(1, 2))
                .series("b", List.of(1, 2), List.of(2, 1)).svg();
        // The plot's grid is dashed in both; the second chart has one dashed stroke more: its second line.
        assertTrue(dashed(two) > dashed(one), dashed(two) + " dashed strokes against " + dashed(one));
        assertTrue(two.contains("rgb(255,127,14)"), "and its own colour");
    }

    private static long dashed(String svg) {
        return svg.split("stroke-dasharray", -1).length - 1;
    }

    @Test
    void theValuesOfASeriesReadAlikeInTheTextForm() {
        Chart c = Chart.line("Throughput", "connections", "requests/s")
                .series("threads", List.of(1000, 10000, 20000), List.of(38012.4, 39706.0, 51.94));
        assertEquals("Throughput (connections → requests/s)\n  threads: 1000=38012 10000=39706 20000=51.9", c.toString(),
                "100 or more as whole numbers, not 3.80e+04 beside 39706; less to 3 significant figures");
    }

    @Test
    void theSvgCarriesItsTextAlternative() throws Exception {
        Chart c = Chart.bars("A < B", "kind", "ms").series("measured", List.of("a", "b"), List.of(1, 2));
        var root = parse(c.svg()).getDocumentElement();
        assertEquals("img", root.getAttribute("role"));
        String[] ids = root.getAttribute("aria-labelledby").split(" ");
        assertEquals(2, ids.length, root.getAttribute("aria-labelledby"));
        var title = root.getElementsByTagName("title").item(0);
        var desc = root.getElementsByTagName("desc").item(0);
        assertEquals("A < B", title.getTextContent());
        assertEquals(c.toString(), desc.getTextContent(), "the data, as text/plain gives them");
        assertEquals(ids[0], title.getAttributes().getNamedItem("id").getNodeValue());
        assertEquals(ids[1], desc.getAttributes().getNamedItem("id").getNodeValue());
        assertSame(root, title.getParentNode(), "the whole picture's title, not a shape's");
    }

    /** The SVG as an XML document: it must parse. (Its text is drawn as glyph outlines, so it holds no words to find.) */
    static org.w3c.dom.Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** How many elements named {@code tag} the SVG has. */
    static int count(String svg, String tag) throws Exception {
        return parse(svg).getElementsByTagName(tag).getLength();
    }

    @Test
    void aLegendOfManySeriesGoesRightOfThePlotNotOverItsPoints() throws Exception {
        Chart c = Chart.line("Throughput", "connections", "req/s");
        for (int i = 1; i <= Chart.LEGEND_INSIDE_MAX; i++) c.series("server " + i, List.of(1_000, 10_000), List.of(i, i));
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.InsideNW, c.legendPosition());
        c.series("one more", List.of(1_000, 10_000), List.of(9, 9));
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.OutsideE, c.legendPosition());
        assertEquals("svg", parse(c.svg()).getDocumentElement().getNodeName(), "it draws");
    }

    @Test
    void barsTakeCategories() throws Exception {
        Chart two = Chart.bars("Memory per thread", "kind", "KB").series("RSS", List.of("platform", "virtual"), List.of(41, 1));
        Chart three = Chart.bars("Memory per thread", "kind", "KB").series("RSS", List.of("platform", "virtual", "callback"), List.of(41, 1, 2));
        assertEquals("Memory per thread (kind → KB)\n  RSS: platform=41 virtual=1", two.toString());
        assertTrue(count(three.svg(), "path") > count(two.svg(), "path"), "a third category draws more: its bar and its label");
    }

    @Test
    void barsOnALogAxis() throws Exception {
        String log = Chart.bars("Memory per task", "kind", "bytes")
                .series("measured", List.of("callback", "platform"), List.of(77.4, 33_296)).logY().svg();
        String linear = Chart.bars("Memory per task", "kind", "bytes")
                .series("measured", List.of("callback", "platform"), List.of(77.4, 33_296)).svg();
        assertEquals("svg", parse(log).getDocumentElement().getNodeName());
        assertNotEquals(linear, log, "logY() changes the drawing");
    }

    @Test
    void mistakesAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> Chart.line("t", "x", "y").series("s", List.of(1, 2), List.of(1)));
        assertTrue(e.getMessage().contains("2 x values but 1 y values"));
        assertThrows(IllegalStateException.class, () -> Chart.line("empty", "x", "y").svg());
        assertThrows(IllegalArgumentException.class, () -> Chart.line("t", "x", "y").series("s", List.of("a"), List.of(1)).svg());
    }
}
