package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.grader.Outcome.Status;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
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

    /**
     * The calibration of quizzes: every quiz of the catalog has an answer cell in a notebook, its answer there
     * gets the points, and every other choice of a choice question gets none.
     */
    @Test
    void everyQuizIsAnsweredRightInItsNotebookAndNoOtherChoiceIs() throws Exception {
        Set<String> answered = new HashSet<>();
        for (Path file : Release.notebooks(Path.of(System.getProperty("conclab.project")).resolve("notebooks"))) {
            for (NotebookFile.Cell c : NotebookFile.read(file).cells()) {
                if (c.role() != NotebookFile.Role.ANSWER) continue;
                Exercise quiz = Catalog.get().find(c.exercise());
                assertTrue(quiz.isQuiz(), file + ": %%answer " + c.exercise() + " is not a quiz");
                Outcome right = check(quiz, c.body());
                assertEquals(quiz.props().getFirst().points(), right.points(), file + ": the answer to " + c.exercise()
                        + " gets no points: " + right.results().getFirst().evidence());
                String given = Quiz.text(c.body());
                for (String other : quiz.choices()) {
                    if (!other.equalsIgnoreCase(given)) assertEquals(0, check(quiz, other).points(), c.exercise() + ": " + other + " is right too");
                }
                answered.add(c.exercise());
            }
        }
        for (Exercise ex : Catalog.get().all()) {
            if (ex.isQuiz()) assertTrue(answered.contains(ex.name()), ex.name() + " has no %%answer cell in any notebook");
        }
    }

    @Test
    void shortAnswersAcceptTheirUsualSpellings() {
        Exercise queue = Catalog.get().find("quiz-blocking-queue"), completion = Catalog.get().find("quiz-as-completed");
        for (String a : new String[] {"BlockingQueue", "java.util.concurrent.BlockingQueue", "ArrayBlockingQueue<>(1000)", "linkedblockingqueue"}) {
            assertEquals(1, check(queue, a).points(), a);
        }
        for (String a : new String[] {"Queue", "ConcurrentLinkedQueue", "SynchronousQueue"}) assertEquals(0, check(queue, a).points(), a);
        for (String a : new String[] {"ExecutorCompletionService", "CompletionService", "ExecutorCompletionService<String>(pool)", "CompletionService.take()"}) {
            assertEquals(1, check(completion, a).points(), a);
        }
        for (String a : new String[] {"invokeAll", "CompletableFuture.anyOf", "Future"}) assertEquals(0, check(completion, a).points(), a);
    }
}
