package conclab.pic;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every diagram renders, and every committed picture was drawn from its current source. */
class DiagramsTest {
    static final Path PIC = Path.of(System.getProperty("conclab.pic.dir", "."));

    /** The pictures the course needs (issue "Pictures"); a missing one fails. */
    static final List<String> REQUIRED = List.of("happens-before", "io-blocking", "io-nonblocking", "io-multiplexing", "io-signal",
            "io-async", "io-models", "select-poll-epoll", "map-ch11", "map-ch12", "thread-states", "pool-task-path",
            "event-loop", "generator", "virtual-thread");

    @Test
    void everyRequiredDiagramHasASource() throws Exception {
        List<String> names = Diagrams.sources(PIC).stream()
                .map(p -> p.getFileName().toString().replace(".puml", "")).toList();
        assertTrue(names.containsAll(REQUIRED), "missing: " + REQUIRED.stream().filter(n -> !names.contains(n)).toList());
    }

    @TestFactory
    Stream<DynamicTest> everySourceRendersToValidSvg() throws Exception {
        return Diagrams.sources(PIC).stream().map(source -> DynamicTest.dynamicTest(source.getFileName().toString(), () -> {
            String svg = Diagrams.render(source);
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            var root = doc.getDocumentElement();
            assertEquals("svg", root.getNodeName());
            assertEquals("img", root.getAttribute("role"));
            var title = firstElement(root.getFirstChild());
            var desc = firstElement(title.getNextSibling());
            assertEquals("title", title.getNodeName(), "the picture's title comes first");
            assertEquals("desc", desc.getNodeName());
            assertEquals(Diagrams.titleOf(Files.readString(source)), title.getTextContent());
            assertTrue(desc.getTextContent().length() > 40, "a description that says something: " + desc.getTextContent());
            assertEquals(title.getAttributes().getNamedItem("id").getNodeValue() + " " + desc.getAttributes().getNamedItem("id").getNodeValue(),
                    root.getAttribute("aria-labelledby"));
        }));
    }

    private static org.w3c.dom.Node firstElement(org.w3c.dom.Node n) {
        while (n != null && n.getNodeType() != org.w3c.dom.Node.ELEMENT_NODE) n = n.getNextSibling();
        return n;
    }

    @Test
    void aSourceWithoutATextAlternativeDoesNotRender(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Path source = Files.writeString(dir.resolve("src/a.puml"), "@startuml\ntitle A greets B\nA -> B : hello\n@enduml\n");
        var e = assertThrows(Diagrams.DiagramError.class, () -> Diagrams.render(source));
        assertTrue(e.getMessage().contains("desc"), e.getMessage());
        Files.writeString(source, "@startuml\ntitle A <greets> B\n' desc: A sends B the message hello,\n' desc: and B answers.\nA -> B : hello\n@enduml\n");
        String svg = Diagrams.render(source);
        assertTrue(svg.contains("<title id=\"pic-a-title\">A &lt;greets&gt; B</title><desc id=\"pic-a-desc\">A sends B the message hello, and B answers.</desc>"), svg);
    }

    @TestFactory
    Stream<DynamicTest> everyCommittedPictureIsFresh() throws Exception {
        return Diagrams.sources(PIC).stream().map(source -> DynamicTest.dynamicTest(source.getFileName().toString(), () -> {
            Path picture = Diagrams.pictureOf(PIC, source);
            assertTrue(Files.isRegularFile(picture), picture + " is missing: run ./conclab diagrams");
            assertFalse(Diagrams.isStale(source, picture), picture + " is stale: run ./conclab diagrams and commit it");
        }));
    }

    @Test
    void aChangedSourceOrStyleMakesThePictureStale(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/_style.iuml"), "skinparam shadowing false\n");
        Path source = Files.writeString(dir.resolve("src/a.puml"), "@startuml\n!include _style.iuml\ntitle Hello\n' desc: A says hello to B.\nA -> B : hello\n@enduml\n");
        Path picture = Diagrams.pictureOf(dir, source);
        assertTrue(Diagrams.isStale(source, picture), "a missing picture is stale");
        Files.writeString(picture, Diagrams.stamp(Diagrams.render(source), Diagrams.hash(source)));
        assertFalse(Diagrams.isStale(source, picture));
        Files.writeString(dir.resolve("src/_style.iuml"), "skinparam shadowing true\n");
        assertTrue(Diagrams.isStale(source, picture), "a change of the shared style makes it stale");
        assertEquals(List.of(source), Diagrams.sources(dir), "includes are not diagrams");
    }

    @Test
    void aBrokenSourceSaysWhereItIsBroken(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Path source = Files.writeString(dir.resolve("src/bad.puml"), "@startuml\nA -> : \nthis is not plantuml ->->-> \n@enduml\n");
        var e = assertThrows(Diagrams.DiagramError.class, () -> Diagrams.render(source));
        assertFalse(e.getMessage().isBlank());
    }
}
