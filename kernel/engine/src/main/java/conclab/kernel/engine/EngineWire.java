package conclab.kernel.engine;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event channel between the kernel and the engine: a socket carrying length-prefixed frames.
 *
 * <p>The engine also speaks JShell's own {@code ExecutionControl} protocol on a second socket (load
 * classes, invoke snippets). That channel is busy while a cell runs, so everything that must flow while
 * code runs travels here instead: output and displays from any thread (engine to kernel), interrupts and
 * answers to input requests (kernel to engine).
 *
 * <p>A frame is {@code int length, byte type, payload}; the payload is written with {@link Writer} and read
 * with {@link Reader}, field by field, in the order the constant's comment gives. Strings are UTF-8 with an
 * {@code int} length, {@code -1} for null. Frames never interleave: engine to kernel, one thread writes
 * ({@code conclab-outbox}); kernel to engine, several kernel threads write, one frame at a time under the
 * lock of {@code EngineProcess.toEngine}.
 */
public final class EngineWire {
    private EngineWire() {}

    /** First bytes a connecting engine sends, before the token: which channel this socket is. */
    public static final byte CHANNEL_EXEC = 'X', CHANNEL_EVENTS = 'E';

    // ---- engine to kernel

    /** Output of a thread: {@code long cell, byte stream (STDOUT or STDERR), String text}. */
    public static final byte OUTPUT = 1;
    /** A display or an update of one: {@code long cell, String displayId, boolean update, Map bundle}. */
    public static final byte DISPLAY = 2;
    /** A thread reads System.in: {@code long cell, int request}. No prompt: one the code printed went out as output. */
    public static final byte INPUT_REQUEST = 3;
    /** Everything sent before this frame has been sent: {@code long token}. */
    public static final byte SYNC = 4;
    /** A thread died of an exception: {@code long cell, String thread, Throwable (see putThrowable)}. */
    public static final byte THREAD_ERROR = 5;
    /** System.exit was called, the JVM is ending: {@code long cell, String thread} of the caller (or null). */
    public static final byte EXITING = 6;
    /** Notebook code asked for a line magic ({@code Notebook.magic}): {@code long cell, int request, String line}. */
    public static final byte MAGIC_REQUEST = 7;
    /** Clear the output of a cell: {@code long cell, boolean wait} (wait: clear only when new output comes). */
    public static final byte CLEAR_OUTPUT = 8;

    // ---- kernel to engine

    /** Stop the work of a cell: {@code long cell}. */
    public static final byte INTERRUPT = 20;
    /** The answer to an input request: {@code int request, String text (null at end of input)}. */
    public static final byte INPUT_REPLY = 21;
    /**
     * What a magic asked for with {@link #MAGIC_REQUEST} gave: {@code int request, String value, String error}
     * (see {@link MagicReply}).
     */
    public static final byte MAGIC_REPLY = 22;

    /** Stream numbers of {@link #OUTPUT}. */
    public static final byte STDOUT = 1, STDERR = 2;

    /** Cell id of output that belongs to no cell (written by a thread no cell started). */
    public static final long NO_CELL = 0;

    /** A {@link #MAGIC_REPLY}: the magic's value as text or null, or (then value is null) why it was refused. */
    public record MagicReply(String value, String error) {}

    /** One throwable of an exception chain as it crossed the wire. */
    public record Failure(String className, String message, StackTraceElement[] frames) {}

    /** Builds one frame's payload. Not thread-safe: one per frame. */
    public static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);
        private final byte type;

        public Writer(byte type) { this.type = type; }

        public Writer putLong(long v) { try { out.writeLong(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
        public Writer putInt(int v) { try { out.writeInt(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
        public Writer putByte(int v) { try { out.writeByte(v); } catch (IOException e) { throw new UncheckedIOException(e); } return this; }
        public Writer putBoolean(boolean v) { return putByte(v ? 1 : 0); }

        public Writer putString(String s) {
            if (s == null) return putInt(-1);
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putInt(b.length);
            bytes.write(b, 0, b.length);
            return this;
        }

        public Writer putMap(Map<String, String> m) {
            putInt(m.size());
            m.forEach((k, v) -> putString(k).putString(v));
            return this;
        }

        /**
         * Writes an exception and its causes: {@code int count}, then per throwable its class name, message
         * and {@code int frames} stack frames of (class, method, file, line).
         */
        public Writer putThrowable(Throwable t) {
            java.util.List<Throwable> chain = new java.util.ArrayList<>();
            for (Throwable c = t; c != null && !chain.contains(c) && chain.size() < 16; c = c.getCause()) chain.add(c);
            putInt(chain.size());
            for (Throwable c : chain) {
                putString(c.getClass().getName()).putString(c.getMessage());
                StackTraceElement[] frames = c.getStackTrace();
                putInt(frames.length);
                for (StackTraceElement f : frames) {
                    putString(f.getClassName()).putString(f.getMethodName()).putString(f.getFileName())
                            .putInt(f.getLineNumber());
                }
            }
            return this;
        }

        /** Writes the whole frame to {@code sink}; the caller flushes. */
        public void writeTo(DataOutputStream sink) throws IOException {
            sink.writeInt(bytes.size() + 1);
            sink.writeByte(type);
            bytes.writeTo(sink);
        }
    }

    /** Reads one frame's fields in order. */
    public static final class Reader {
        private final DataInputStream in;
        public final byte type;

        private Reader(byte type, DataInputStream in) { this.type = type; this.in = in; }

        /** Reads the next frame from {@code source}, blocking; null at end of stream. */
        public static Reader next(DataInputStream source) throws IOException {
            int length;
            try {
                length = source.readInt();
            } catch (java.io.EOFException eof) {
                return null;
            }
            if (length < 1) throw new IOException("corrupt frame length " + length);
            byte[] frame = new byte[length];
            source.readFully(frame);
            return new Reader(frame[0], new DataInputStream(new java.io.ByteArrayInputStream(frame, 1, length - 1)));
        }

        public long getLong() throws IOException { return in.readLong(); }
        public int getInt() throws IOException { return in.readInt(); }
        public byte getByte() throws IOException { return in.readByte(); }
        public boolean getBoolean() throws IOException { return in.readByte() != 0; }

        public String getString() throws IOException {
            int n = in.readInt();
            if (n < 0) return null;
            byte[] b = in.readNBytes(n);
            return new String(b, StandardCharsets.UTF_8);
        }

        /** Reads what {@link Writer#putThrowable} wrote: the exception first, then its causes. */
        public java.util.List<Failure> getThrowable() throws IOException {
            int n = in.readInt();
            java.util.List<Failure> chain = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String className = getString(), message = getString();
                StackTraceElement[] frames = new StackTraceElement[in.readInt()];
                for (int f = 0; f < frames.length; f++) {
                    frames[f] = new StackTraceElement(getString(), getString(), getString(), in.readInt());
                }
                chain.add(new Failure(className, message, frames));
            }
            return chain;
        }

        public Map<String, String> getMap() throws IOException {
            int n = in.readInt();
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) m.put(getString(), getString());
            return m;
        }
    }
}
