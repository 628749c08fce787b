package conclab.maven;

import conclab.kernel.api.MagicError;
import java.net.URI;
import java.net.URISyntaxException;

/** A Maven repository a learner named ({@code %mavenRepo ID URL}, or a POM's {@code <repository>}). */
record Repository(String id, String url) {
    /** The repository, or an error that says what is wrong with it. */
    static Repository of(String id, String url) throws MagicError {
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new MagicError("a repository id is letters, digits, '.', '_' or '-': " + id, "Example: %mavenRepo jitpack https://jitpack.io");
        }
        try {
            String scheme = new URI(url).getScheme();
            if (scheme == null || !(scheme.equals("https") || scheme.equals("http") || scheme.equals("file"))) {
                throw new MagicError("a repository's URL starts with https://, http:// or file:, not " + url,
                        "Example: %mavenRepo jitpack https://jitpack.io");
            }
        } catch (URISyntaxException e) {
            throw new MagicError("not a URL: " + url + " (" + e.getReason() + ")", "Example: %mavenRepo jitpack https://jitpack.io");
        }
        return new Repository(id, url);
    }
}
