package conclab.process;

import java.nio.file.Path;

/**
 * A map from names to numbers that lives in a {@link MapManager}'s process, used from this one through a
 * Unix-domain socket: a proxy, like the objects a Python {@code Manager} hands out.
 *
 * <p>Each method is one request, which the manager runs atomically: so {@link #increment} loses no update
 * however many processes increment at once, while {@link #get} then {@link #put} can (another process may
 * put between the two). Keys are words: no spaces or line breaks. Thread-safe (one request at a time on the
 * connection). Throws {@link IllegalStateException} when the manager answers an error or has gone away.
 */
public final class SharedMap implements AutoCloseable {
    /** The connection to the manager. */
    private final UnixSocketClient client;

    private SharedMap(UnixSocketClient client) {
        this.client = client;
    }

    /** Connects to the manager listening on {@code socket}. */
    public static SharedMap connect(Path socket) {
        return new SharedMap(UnixSocketClient.connect(socket));
    }

    /** The value of {@code key}; 0 when it has none. */
    public long get(String key) {
        return Long.parseLong(ask("get " + word(key)));
    }

    /** Sets the value of {@code key}. */
    public void put(String key, long value) {
        ask("put " + word(key) + " " + value);
    }

    /** Adds {@code delta} to the value of {@code key}, in the manager, in one step; returns the new value. */
    public long increment(String key, long delta) {
        return Long.parseLong(ask("inc " + word(key) + " " + delta));
    }

    /** Adds 1 to the value of {@code key}; returns the new value. */
    public long increment(String key) {
        return increment(key, 1);
    }

    private String ask(String request) {
        String answer = client.ask(request);
        if (answer == null) throw new IllegalStateException("the manager has gone away");
        if (answer.startsWith("error")) throw new IllegalStateException("the manager says: " + answer);
        return answer;
    }

    private static String word(String key) {
        if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) throw new IllegalArgumentException("not a word: \"" + key + "\"");
        return key;
    }

    /** Closes the connection; the map stays in the manager. */
    @Override
    public void close() {
        client.close();
    }
}
