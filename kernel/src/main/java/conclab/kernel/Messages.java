package conclab.kernel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.KernelTimestamp;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;

/**
 * Builds the messages the kernel sends: headers that follow the Jupyter messaging protocol, and contents as
 * plain maps.
 *
 * <p>jjava-jupyter supplies the wire format (framing, signatures, JSON); its content classes do not all
 * carry the {@code status} field every reply must have since protocol 5.1, and its timestamps have minute
 * resolution. So contents are built here as maps with exactly the fields of the spec, and headers carry
 * microsecond UTC timestamps and this kernel's session id.
 */
final class Messages {
    private Messages() {}

    /** The protocol version this kernel speaks. */
    static final String PROTOCOL_VERSION = "5.3";

    /** This kernel process's session id, in the header of every message it sends. */
    static final String SESSION = UUID.randomUUID().toString();

    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** A message of {@code type} in answer to (or on behalf of) {@code parent}; parent may be null. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Message<?> of(Message<?> parent, String type, Map<String, ?> content) {
        MessageType<?> messageType = MessageType.getType(type);
        if (messageType == MessageType.UNKNOWN) throw new IllegalArgumentException("unknown message type " + type);
        String user = parent != null ? parent.getHeader().getUsername() : Header.KERNEL_USERNAME;
        Header header = new Header(UUID.randomUUID().toString(), user, SESSION,
                new KernelTimestamp(ISO_MICROS.format(Instant.now())), messageType, PROTOCOL_VERSION);
        List<byte[]> identities = parent != null ? parent.getIdentities() : Collections.emptyList();
        return new Message(identities, header, parent != null ? parent.getHeader() : null,
                new LinkedHashMap<>(), content, null);
    }

    /** A map from alternating keys and values, keeping their order; values may be null. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /** Content of a status message. */
    static Map<String, Object> status(String state) {
        return map("execution_state", state);
    }
}
