package conclab.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The manager of the IPC demo: a child JVM that owns a map from names to numbers and serves it on a
 * Unix-domain socket, like the server process behind Python's {@code multiprocessing.Manager().dict()}.
 * Other processes use the map through a {@link SharedMap}.
 *
 * <pre>{@code
 * try (var manager = MapManager.start(); var pool = ProcessPool.start(2)) {
 *     String task = "hits 1000 " + manager.socket();                   // key, times, where the manager is
 *     pool.map(Tasks.Increment.class, List.of(task, task));             // two processes increment at once
 *     try (var map = SharedMap.connect(manager.socket())) { map.get("hits"); }   // 2000
 * }
 * }</pre>
 *
 * <p>Requests, one line each: {@code get KEY} answers the value (0 when absent); {@code put KEY VALUE}
 * answers {@code ok}; {@code inc KEY DELTA} answers the new value. Every connection is served on a
 * virtual thread of its own, and {@link #handle} is synchronized: the manager runs one request at a time,
 * so each request is atomic, and no increment is lost. A read and then a write are two requests, though,
 * and another process's request may come between them: {@link Tasks.GetThenPut} loses updates, as
 * {@code d[k] += 1} does with a Python manager's dict.
 */
public final class MapManager {
    /** The map; guarded by this. */
    private final Map<String, Long> map = new HashMap<>();

    private MapManager() {}

    /** Runs one request and returns its answer. */
    synchronized String handle(String request) {
        String[] words = request.split(" ");
        return switch (words[0]) {
            case "get" -> Long.toString(map.getOrDefault(words[1], 0L));
            case "put" -> {
                map.put(words[1], Long.parseLong(words[2]));
                yield "ok";
            }
            case "inc" -> Long.toString(map.merge(words[1], Long.parseLong(words[2]), Long::sum));
            default -> "error unknown request: " + request;
        };
    }

    /** Starts a manager in a child JVM; returns once it listens. Closing it ends the child. */
    public static UnixSocketServer start() {
        return UnixSocketServer.start(MapManager.class);
    }

    /** The child: serves a new, empty map on the socket {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        UnixSocketServer.serve(Path.of(args[0]), new MapManager()::handle);
    }
}
