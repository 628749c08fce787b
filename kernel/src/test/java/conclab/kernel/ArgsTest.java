package conclab.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgsTest {
    @Test
    void splitsLikeAShell() {
        assertEquals(List.of("-Xmx2g", "--enable-preview"), Args.split("  -Xmx2g \t--enable-preview "));
        assertEquals(List.of("-Dname=a b", "x"), Args.split("-Dname=\"a b\" x"));
        assertEquals(List.of("it's", "$HOME"), Args.split("it\\'s '$HOME'"));
        assertEquals(List.of(""), Args.split("\"\""));
        assertEquals(List.of(), Args.split(""));
        assertEquals(List.of("unbalanced quote"), Args.split("\"unbalanced quote"));
    }
}
