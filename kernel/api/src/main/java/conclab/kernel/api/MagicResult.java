package conclab.kernel.api;

import java.util.Map;

/**
 * What a magic gives back: the cell part's value as a MIME bundle, or none. A result from
 * {@link MagicContext#eval} may also carry the code's error, which then becomes the cell's; return it as it is.
 */
public interface MagicResult {
    /** The value as a MIME bundle ({@code text/plain} at least), or null for none. */
    Map<String, String> value();

    /** No value. */
    MagicResult NOTHING = () -> null;

    /** A value shown as {@code text}; for a magic called from code, the string that call returns. */
    static MagicResult text(String text) {
        Map<String, String> bundle = Map.of("text/plain", text);
        return () -> bundle;
    }
}
