package conclab.kernel.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Java value into a MIME bundle (MIME type to content) for the notebook.
 *
 * <p>The rules, in order:
 * <ol>
 * <li>An object with a public method {@code Map<String, String> mimeBundle()} renders as that bundle. This
 *     is how the course library hands pictures and tables to the kernel without depending on it.</li>
 * <li>A {@link java.awt.image.BufferedImage} renders as {@code image/png}.</li>
 * <li>A {@link Path} or {@link File} naming an {@code .svg}, {@code .png}, {@code .jpg} or {@code .gif} file
 *     renders as that picture.</li>
 * <li>A string given with MIME types renders as that text under each type
 *     ({@code display("<b>hi</b>", "text/html")}).</li>
 * <li>Anything else is {@code text/plain}: its {@code toString()}.</li>
 * </ol>
 * When MIME types are given, the bundle keeps only those (a bundle that has none of them is kept whole).
 */
public final class Rendering {
    private Rendering() {}

    /** The bundle to display {@code value}, restricted to {@code mimeTypes} if any are given. */
    public static Map<String, String> bundle(Object value, String... mimeTypes) {
        Map<String, String> rich = richBundle(value);
        if (rich == null) {
            rich = new LinkedHashMap<>();
            if (value instanceof CharSequence text && mimeTypes.length > 0) {
                for (String mime : mimeTypes) rich.put(mime, text.toString());
                return rich;
            }
            rich.put("text/plain", String.valueOf(value));
        }
        return restrict(rich, mimeTypes);
    }

    /**
     * The bundle of a value that renders as more than text (rules 1 to 3), or null. Used for cell results,
     * whose plain text JShell already gives.
     */
    public static Map<String, String> richBundle(Object value) {
        if (value == null) return null;
        Map<String, String> own = ownBundle(value);
        if (own != null) return own;
        if (isBufferedImage(value.getClass())) return Images.png(value);
        if (value instanceof Path path) return fileBundle(path);
        if (value instanceof File file) return fileBundle(file.toPath());
        return null;
    }

    private static Map<String, String> restrict(Map<String, String> bundle, String... mimeTypes) {
        if (mimeTypes.length == 0) return bundle;
        Map<String, String> kept = new LinkedHashMap<>();
        for (String mime : mimeTypes) if (bundle.containsKey(mime)) kept.put(mime, bundle.get(mime));
        return kept.isEmpty() ? bundle : kept;
    }

    /** Rule 1: the value's own {@code mimeBundle()}, or null if it has none. */
    private static Map<String, String> ownBundle(Object value) {
        Method method;
        try {
            method = value.getClass().getMethod("mimeBundle");
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (!Map.class.isAssignableFrom(method.getReturnType())) return null;
        try {
            method.setAccessible(true); // classes declared in cells are not public
            Map<?, ?> raw = (Map<?, ?>) method.invoke(value);
            if (raw == null) return null;
            Map<String, String> bundle = new LinkedHashMap<>();
            raw.forEach((k, v) -> bundle.put(String.valueOf(k), String.valueOf(v)));
            return bundle;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("mimeBundle() of " + value.getClass().getName() + " failed", cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not accessible: render as text
        }
    }

    private static boolean isBufferedImage(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals("java.awt.image.BufferedImage")) return true;
        }
        return false;
    }

    private static final Map<String, String> PICTURES = Map.of(
            "svg", "image/svg+xml", "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "gif", "image/gif");

    /** Rule 3: a picture file as its MIME type (SVG as text, others base64), or null if not a picture. */
    private static Map<String, String> fileBundle(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String mime = PICTURES.get(ext);
        if (mime == null || !Files.isRegularFile(path)) return null;
        try {
            byte[] bytes = Files.readAllBytes(path);
            Map<String, String> bundle = new LinkedHashMap<>();
            String alternative = null;
            if (mime.equals("image/svg+xml")) {
                // Not inlined as HTML: a diagram tool's SVG uses ids ("part1") that clash between pictures
                // on one page; as an image each picture is on its own.
                String svg = new String(bytes, StandardCharsets.UTF_8);
                bundle.put(mime, svg);
                alternative = textAlternative(svg);
            } else {
                bundle.put(mime, Base64.getEncoder().encodeToString(bytes));
            }
            bundle.put("text/plain", alternative == null ? path.toString() : alternative + "\n(" + path + ")");
            return bundle;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static final Pattern LABELLED_BY = Pattern.compile("<svg\\b[^>]*\\baria-labelledby=\"([^\"]*)\"");

    /**
     * An SVG's own text alternative: the text of the elements its root's {@code aria-labelledby} names (the
     * course's diagrams and charts name a title and a description), one per line, or null if it names none.
     */
    static String textAlternative(String svg) {
        Matcher root = LABELLED_BY.matcher(svg);
        if (!root.find()) return null;
        StringBuilder text = new StringBuilder();
        for (String id : root.group(1).trim().split("\\s+")) {
            Matcher m = Pattern.compile("<(\\w+)[^>]*\\bid=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)</\\1>").matcher(svg);
            if (m.find()) text.append(text.isEmpty() ? "" : "\n").append(unescape(m.group(2)));
        }
        return text.isEmpty() ? null : text.toString();
    }

    private static String unescape(String xml) {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    /** Kept apart so java.desktop is only loaded when an image is shown. */
    private static final class Images {
        static Map<String, String> png(Object image) {
            try {
                var bytes = new java.io.ByteArrayOutputStream();
                javax.imageio.ImageIO.write((java.awt.image.RenderedImage) image, "png", bytes);
                Map<String, String> bundle = new LinkedHashMap<>();
                bundle.put("image/png", Base64.getEncoder().encodeToString(bytes.toByteArray()));
                bundle.put("text/plain", image.toString());
                return bundle;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
