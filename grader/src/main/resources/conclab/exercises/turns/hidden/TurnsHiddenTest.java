import conclab.grader.probe.Property;
import org.junit.jupiter.api.Test;

/** Hidden tests of the turns exercise: run when grading only. */
class TurnsHiddenTest {
    @Test
    @Property("many-players")
    void manyPlayers() {
        TurnsTest.play(8, 50);
    }
}
