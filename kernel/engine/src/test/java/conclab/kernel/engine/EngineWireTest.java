package conclab.kernel.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineWireTest {
    @Test
    void framesRoundTrip() throws Exception {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/plain", "héllo 世界");
        bundle.put("text/html", null);
        new EngineWire.Writer(EngineWire.DISPLAY).putLong(42).putString("id-1").putBoolean(true).putMap(bundle).writeTo(out);
        var error = new IllegalStateException("outer", new ArithmeticException("inner"));
        new EngineWire.Writer(EngineWire.THREAD_ERROR).putLong(7).putString("worker").putThrowable(error).writeTo(out);
        new EngineWire.Writer(EngineWire.SYNC).putLong(99).writeTo(out);

        var in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        EngineWire.Reader f = EngineWire.Reader.next(in);
        assertEquals(EngineWire.DISPLAY, f.type);
        assertEquals(42, f.getLong());
        assertEquals("id-1", f.getString());
        assertTrue(f.getBoolean());
        assertEquals(bundle, f.getMap());

        f = EngineWire.Reader.next(in);
        assertEquals(EngineWire.THREAD_ERROR, f.type);
        assertEquals(7, f.getLong());
        assertEquals("worker", f.getString());
        List<EngineWire.Failure> chain = f.getThrowable();
        assertEquals(2, chain.size());
        assertEquals("java.lang.IllegalStateException", chain.get(0).className());
        assertEquals("inner", chain.get(1).message());
        StackTraceElement sent = error.getStackTrace()[0], got = chain.get(0).frames()[0];
        assertEquals(error.getStackTrace().length, chain.get(0).frames().length);
        assertEquals(sent.getClassName(), got.getClassName());
        assertEquals(sent.getMethodName(), got.getMethodName());
        assertEquals(sent.getFileName(), got.getFileName());
        assertEquals(sent.getLineNumber(), got.getLineNumber());

        f = EngineWire.Reader.next(in);
        assertEquals(99, f.getLong());
        assertNull(EngineWire.Reader.next(in), "end of stream");
    }

    @Test
    void aCyclicCauseChainEnds() throws Exception {
        var a = new RuntimeException("a");
        var b = new RuntimeException("b", a);
        a.initCause(b);
        var bytes = new ByteArrayOutputStream();
        new EngineWire.Writer(EngineWire.THREAD_ERROR).putThrowable(a).writeTo(new DataOutputStream(bytes));
        var f = EngineWire.Reader.next(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(2, f.getThrowable().size());
    }
}
