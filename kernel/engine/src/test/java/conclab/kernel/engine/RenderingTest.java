package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderingTest {
    public static class Picture {
        public Map<String, String> mimeBundle() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("image/svg+xml", "<svg/>");
            m.put("text/html", "<svg/>");
            m.put("text/plain", "a picture");
            return m;
        }
    }

    /** Not public, like a class declared in a cell. */
    static final class Hidden {
        public Map<String, String> mimeBundle() {
            return Map.of("text/html", "<b>hidden</b>");
        }
    }

    static final class WrongType {
        public String mimeBundle() {
            return "not a map";
        }
    }

    @Test
    void anObjectsOwnBundleWins() {
        assertEquals(new Picture().mimeBundle(), Rendering.bundle(new Picture()));
        assertEquals(Map.of("text/html", "<b>hidden</b>"), Rendering.bundle(new Hidden()));
    }

    @Test
    void mimeTypesRestrictTheBundle() {
        assertEquals(Map.of("image/svg+xml", "<svg/>"), Rendering.bundle(new Picture(), "image/svg+xml"));
        assertEquals(new Picture().mimeBundle(), Rendering.bundle(new Picture(), "application/pdf"),
                "a bundle without the asked type is kept whole");
    }

    @Test
    void textWithMimeTypesIsThatText() {
        assertEquals(Map.of("text/html", "<b>x</b>"), Rendering.bundle("<b>x</b>", "text/html"));
        assertEquals(Map.of("text/plain", "<b>x</b>"), Rendering.bundle("<b>x</b>"));
    }

    @Test
    void otherValuesAreTheirText() {
        assertEquals(Map.of("text/plain", "[1, 2]"), Rendering.bundle(java.util.List.of(1, 2)));
        assertEquals(Map.of("text/plain", "null"), Rendering.bundle(null));
        assertEquals(Map.of("text/plain", "not a map"), Map.of("text/plain", new WrongType().mimeBundle()));
        assertNull(Rendering.richBundle(new WrongType()));
        assertNull(Rendering.richBundle("plain"));
    }

    @Test
    void imagesAndPictureFiles(@TempDir Path dir) throws Exception {
        var image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        byte[] png = Base64.getDecoder().decode(Rendering.richBundle(image).get("image/png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3));

        Path svg = Files.writeString(dir.resolve("a.svg"), "<svg><circle/></svg>");
        Map<String, String> b = Rendering.richBundle(svg);
        assertEquals("<svg><circle/></svg>", b.get("image/svg+xml"));
        assertNull(b.get("text/html"), "a picture file is shown as an image, not inlined");
        assertNull(Rendering.richBundle(dir.resolve("missing.svg")));
        assertNull(Rendering.richBundle(Files.writeString(dir.resolve("notes.txt"), "x")));
        assertNotNull(Rendering.richBundle(svg.toFile()));
        assertEquals(svg.toString(), b.get("text/plain"), "no text alternative in the picture: its path");

        Path labelled = Files.writeString(dir.resolve("b.svg"), "<?xml version=\"1.0\"?><svg role=\"img\" aria-labelledby=\"p-title p-desc\">"
                + "<title id=\"p-title\">A &amp; B</title><desc id=\"p-desc\">A waits for B &lt;here&gt;.</desc><title>a shape</title></svg>");
        assertEquals("A & B\nA waits for B <here>.\n(" + labelled + ")", Rendering.richBundle(labelled).get("text/plain"),
                "the picture's own title and description, then where it is");
    }

    @Test
    void aFailingBundleThrowsItsOwnException() {
        Object broken = new Object() {
            public Map<String, String> mimeBundle() {
                throw new IllegalStateException("no picture today");
            }
        };
        var e = assertThrows(IllegalStateException.class, () -> Rendering.bundle(broken));
        assertEquals("no picture today", e.getMessage());
    }
}
