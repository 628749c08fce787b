package conclab.maven;

import conclab.kernel.api.MagicError;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * What {@code %%loadFromPOM} takes from its cell: a whole {@code <project>}, or fragments of one
 * ({@code <dependencies>}, {@code <dependency>}, {@code <repositories>}, {@code <properties>}, in any number). The
 * dependencies of scope compile or runtime (the default is compile) become coordinates, their {@code ${property}}
 * versions filled in from the POM's {@code <properties>}; {@code <dependencyManagement>} and plug-ins are not read.
 */
record Pom(List<String> dependencies, List<Repository> repositories, List<String> skipped) {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    static Pom parse(String xml) throws MagicError {
        Element project = root(xml);
        Map<String, String> properties = new HashMap<>();
        for (Element props : children(project, "properties")) {
            for (Element p : children(props, null)) properties.put(p.getTagName(), p.getTextContent().strip());
        }
        List<Element> dependencies = new ArrayList<>();
        for (Element block : children(project, "dependencies")) dependencies.addAll(children(block, "dependency"));
        dependencies.addAll(children(project, "dependency"));
        List<String> coordinates = new ArrayList<>(), skipped = new ArrayList<>();
        for (Element d : dependencies) {
            String group = text(d, "groupId", properties), artifact = text(d, "artifactId", properties),
                    version = text(d, "version", properties), type = text(d, "type", properties),
                    classifier = text(d, "classifier", properties), scope = text(d, "scope", properties);
            if (group.isEmpty() || artifact.isEmpty() || version.isEmpty()) {
                throw new MagicError("%%loadFromPOM: a <dependency> needs groupId, artifactId and version (" + group + ":"
                        + artifact + ":" + version + ")", "Versions managed by a parent or a BOM are not read: write them in.");
            }
            if (!scope.isEmpty() && !scope.equals("compile") && !scope.equals("runtime")) {
                skipped.add(group + ":" + artifact + " (scope " + scope + ")");
                continue;
            }
            String extension = type.isEmpty() ? "jar" : type;
            coordinates.add(group + ":" + artifact + ":" + extension + (classifier.isEmpty() ? "" : ":" + classifier) + ":" + version);
        }
        List<Repository> repositories = new ArrayList<>();
        for (Element block : children(project, "repositories")) {
            for (Element r : children(block, "repository")) {
                repositories.add(Repository.of(text(r, "id", properties), text(r, "url", properties)));
            }
        }
        if (coordinates.isEmpty()) {
            throw new MagicError("%%loadFromPOM: the cell has no <dependency> of scope compile or runtime",
                    "Write a <dependencies> block, or a whole pom.xml, under %%loadFromPOM.");
        }
        return new Pom(coordinates, repositories, skipped);
    }

    /** The {@code <project>} element: the cell's, or one made around the cell's fragments. */
    private static Element root(String xml) throws MagicError {
        String text = xml.strip().replaceFirst("^<\\?xml[^>]*\\?>", "").strip();
        if (!text.startsWith("<project")) text = "<project>" + text + "</project>";
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no entities from anywhere
            f.setNamespaceAware(false);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader(text))).getDocumentElement();
        } catch (Exception e) {
            throw new MagicError("%%loadFromPOM: the cell is not XML a POM can be made of (" + e.getMessage() + ")",
                    "Write a <dependencies> block, or a whole pom.xml, under %%loadFromPOM.");
        }
    }

    /** The child elements of {@code parent} named {@code name} (any name if null). */
    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) found.add(e);
        }
        return found;
    }

    /** The text of {@code parent}'s child {@code name}, properties filled in; "" if there is none. */
    private static String text(Element parent, String name, Map<String, String> properties) {
        List<Element> c = children(parent, name);
        if (c.isEmpty()) return "";
        Matcher m = PROPERTY.matcher(c.getFirst().getTextContent().strip());
        StringBuilder b = new StringBuilder();
        while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(properties.getOrDefault(m.group(1), m.group())));
        return m.appendTail(b).toString();
    }
}
