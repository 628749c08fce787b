package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.grader.Outcome.Status;
import org.junit.jupiter.api.Test;

class QuizTest {
    private final Exercise choice = Catalog.get().find("quiz-count-race");
    private final Exercise shortAnswer = Catalog.get().find("quiz-limit-threads");

    private Outcome check(Exercise quiz, String answer) {
        return Quiz.check(quiz, answer);
    }

    @Test
    void aRightAnswerGetsThePointsAndTheExplanation() {
        Outcome o = check(choice, "c");
        assertEquals(1, o.points());
        assertTrue(o.results().getFirst().evidence().contains("three steps"));
        assertEquals(1, check(shortAnswer, " java.util.concurrent.Semaphore ").points());
        assertEquals(1, check(shortAnswer, "semaphore(3)").points());
    }

    @Test
    void aWrongAnswerGetsTheHintNeverTheAnswer() {
        Outcome o = check(choice, "A");
        assertEquals(0, o.points());
        assertEquals(Status.FAILED, o.results().getFirst().status());
        String evidence = o.results().getFirst().evidence();
        assertTrue(evidence.startsWith("Not this one."), evidence);
        assertTrue(!evidence.contains(" C ") && !evidence.contains("three steps"), evidence);
        assertEquals(0, check(shortAnswer, "ReentrantLock").points());
    }

    @Test
    void theReleasedQuestionMarkAndNbgradersStubAreNotAnswers() {
        assertEquals(Status.NOT_DONE, check(choice, "?").results().getFirst().status());
        assertEquals(Status.NOT_DONE, check(choice, "").results().getFirst().status());
        assertEquals(Status.NOT_DONE, check(choice, "throw new UnsupportedOperationException(\"exercise not done yet\");")
                .results().getFirst().status());
    }

    @Test
    void commentLinesAroundTheAnswerAreIgnored() {
        assertEquals(1, check(choice, "// BEGIN SOLUTION\nC\n// END SOLUTION").points());
    }

    @Test
    void aChoiceThatDoesNotExistSaysWhichExist() {
        Outcome o = check(choice, "E");
        assertTrue(o.results().getFirst().evidence().contains("A, B, C, D"));
    }
}
