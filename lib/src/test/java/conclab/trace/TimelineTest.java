package conclab.trace;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class TimelineTest {
    /** A timeline of {@code threads} lanes with {@code spansEach} spans, some nested, and one state each. */
    static Timeline synthetic(int threads, int spansEach) {
        List<Timeline.Lane> lanes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Timeline.Bar> bars = new ArrayList<>();
            for (int i = 0; i < spansEach; i++) bars.add(new Timeline.Bar("task " + i + " <of> \"" + t + "\"", i * 1_000_000L, i * 1_000_000L + 800_000L, i % 2));
            lanes.add(new Timeline.Lane("worker-" + t, t + 1, t % 2 == 0, bars,
                    List.of(new Timeline.Event("mark", 500_000L)),
                    List.of(new Timeline.Interval(State.RUNNING, 0, spansEach * 500_000L),
                            new Timeline.Interval(State.WAITING, spansEach * 500_000L, spansEach * 1_000_000L))));
        }
        return new Timeline(lanes, spansEach * 1_000_000L, "synthetic");
    }

    static Document parse(String svg) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    static int count(Document doc, String xpath) throws Exception {
        return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET)).getLength();
    }

    @Test
    void theSvgIsValidWithALanePerThreadAndABarPerSpan() throws Exception {
        Document doc = parse(synthetic(3, 4).svg());
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertEquals(3, count(doc, "//*[local-name()='g'][@class='lane']"));
        assertEquals(12, count(doc, "//*[local-name()='rect'][@class='span']"));
        assertEquals(6, count(doc, "//*[local-name()='rect'][@class='state']"));
        assertEquals(3, count(doc, "//*[local-name()='path'][@class='event']"));
        assertEquals(1 + 12 + 6 + 3 + 3, count(doc, "//*[local-name()='title']"), "the picture, every shape and lane have a title");
    }

    @Test
    void fiftyThreadsAndFiveThousandSpansStayReadable() throws Exception {
        Timeline big = synthetic(50, 100);
        String svg = big.svg();
        Document doc = parse(svg);
        assertEquals(50, count(doc, "//*[local-name()='g'][@class='lane']"));
        assertEquals(5000, count(doc, "//*[local-name()='rect'][@class='span']"));
        int height = Integer.parseInt(doc.getDocumentElement().getAttribute("height"));
        assertTrue(height < 1500, "height " + height);
        assertTrue(svg.length() < 3_000_000, "size " + svg.length());
        // 100 spans in 780 px: bars of ~6 px get no label (it would not fit)
        assertEquals(0, count(doc, "//*[local-name()='text'][starts-with(., 'task')]"));
    }

    @Test
    void tooManyLanesAreSummarised() throws Exception {
        Document doc = parse(synthetic(TimelineSvg.MAX_LANES + 5, 2).svg());
        assertEquals(TimelineSvg.MAX_LANES, count(doc, "//*[local-name()='g'][@class='lane']"));
        assertTrue(count(doc, "//*[local-name()='text'][contains(., 'and 5 more threads')]") == 1);
    }

    @Test
    void theMimeBundleHasInlineHtmlSvgAndText(@TempDir Path dir) throws Exception {
        Timeline t = synthetic(2, 3);
        var bundle = t.mimeBundle();
        assertEquals(bundle.get("text/html"), bundle.get("image/svg+xml"));
        assertTrue(bundle.get("text/plain").startsWith("Timeline \"synthetic\": 2 threads, 6 spans"));
        assertEquals(t.summary(), bundle.get("text/plain"), "the text beside the picture is its summary");
        Path file = t.save(dir.resolve("run.svg"));
        assertEquals(t.svg(), Files.readString(file));
    }

    @Test
    void axisStepsAreRound() {
        assertEquals(1.0, TimelineSvg.niceStep(0.8));
        assertEquals(2.0, TimelineSvg.niceStep(1.7));
        assertEquals(50.0, TimelineSvg.niceStep(33));
        assertEquals("1.500 s", TimelineSvg.time(1_500_000_000L));
        assertEquals("2.5 ms", TimelineSvg.time(2_500_000L));
    }

    static String attr(Document doc, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, doc);
    }

    @Test
    void everyStateHasAPatternOfItsOwnUsedByItsBandsAndTheLegend() throws Exception {
        Document doc = parse(synthetic(3, 4).svg());
        Set<String> shapes = new HashSet<>();
        for (State s : State.values()) {
            String id = attr(doc, "//*[local-name()='pattern'][@class='" + s.pattern + "']/@id");
            assertFalse(id.isEmpty(), "a pattern for " + s);
            // the pattern's shapes with the colours left out: what a grey print shows
            String shape = attr(doc, "concat(//*[@id='" + id + "']/@width, 'x', //*[@id='" + id + "']/@height, ' ', "
                    + "//*[@id='" + id + "']/@patternTransform)");
            NodeList kids = (NodeList) XPathFactory.newInstance().newXPath().evaluate("//*[@id='" + id + "']/*", doc, XPathConstants.NODESET);
            StringBuilder geometry = new StringBuilder(shape);
            for (int i = 0; i < kids.getLength(); i++) {
                var e = (org.w3c.dom.Element) kids.item(i);
                geometry.append(' ').append(e.getNodeName()).append(e.getAttribute("x")).append(',').append(e.getAttribute("y"))
                        .append(',').append(e.getAttribute("width")).append(',').append(e.getAttribute("height")).append(',').append(e.getAttribute("r"));
            }
            assertTrue(shapes.add(geometry.toString()), s + " has the same pattern as another state: " + geometry);
            String fill = "url(#" + id + ")";
            assertEquals(1, count(doc, "//*[local-name()='rect'][@class='legend'][@fill='" + fill + "']"), "legend of " + s);
            assertEquals(1, count(doc, "//*[local-name()='text'][. = '" + s.label() + "']"), "legend label of " + s);
        }
        assertEquals(3, count(doc, "//*[local-name()='rect'][@class='state'][@data-state='running'][starts-with(@fill, 'url(#')][contains(@fill, '-running')]"));
        assertEquals(3, count(doc, "//*[local-name()='rect'][@class='state'][contains(@fill, '-waiting')]"));
        assertEquals(0, count(doc, "//*[local-name()='rect'][@class='state'][starts-with(@fill, '#')]"), "no band in colour alone");
    }

    @Test
    void theSvgHasATitleAndADescriptionSayingWhatItShows() throws Exception {
        Timeline t = synthetic(2, 3);
        Document doc = parse(t.svg());
        var root = doc.getDocumentElement();
        assertEquals("img", root.getAttribute("role"));
        String[] labels = root.getAttribute("aria-labelledby").split(" ");
        assertEquals("title", root.getFirstChild().getNodeName(), "the title comes first");
        assertEquals("synthetic", attr(doc, "/*/*[local-name()='title']"));
        assertEquals(labels[0], attr(doc, "/*/*[local-name()='title']/@id"));
        assertEquals(labels[1], attr(doc, "/*/*[local-name()='desc']/@id"));
        String desc = attr(doc, "/*/*[local-name()='desc']");
        assertEquals(t.summary(), desc);
        assertTrue(desc.contains("2 threads, 6 spans, 0.003 s"), desc);
        assertTrue(desc.contains("threads: worker-0 (virtual), worker-1"), desc);
        assertTrue(desc.contains("spans: task …: 6"), desc);
        assertTrue(desc.contains("running (solid) 2 stretches, 3.0 ms in all"), desc);
        assertTrue(desc.contains("waiting (dots) 2 stretches, 3.0 ms in all"), desc);
        assertTrue(desc.contains("blocked (diagonal hatching) 0 stretches"), desc);
        assertEquals(t.svg(), t.svg(), "the same timeline draws the same picture");
        assertNotEquals(attr(doc, "/*/*[local-name()='title']/@id"),
                attr(parse(synthetic(3, 3).svg()), "/*/*[local-name()='title']/@id"), "two timelines in one page: ids apart");
        assertEquals("Timeline of 2 threads", attr(parse(new Timeline(t.lanes(), 1000, null).svg()), "/*/*[local-name()='title']"));
    }
}
