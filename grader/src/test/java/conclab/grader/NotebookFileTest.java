package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotebookFileTest {
    static String notebook(String... sources) {
        StringBuilder cells = new StringBuilder();
        for (String s : sources) {
            if (!cells.isEmpty()) cells.append(',');
            cells.append("{\"cell_type\":\"code\",\"execution_count\":3,\"metadata\":{},\"outputs\":[{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":\"x\"}],\"source\":")
                    .append(new com.google.gson.Gson().toJson(s))
                    .append('}');
        }
        return "{\"cells\":[" + cells + "],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}";
    }

    @Test
    void findsTheExerciseCellsByTheirFirstLine() throws Exception {
        NotebookFile nb = NotebookFile.parse(notebook("int x = 1;", "%%solution safe-counter\nclass A {}", "%check safe-counter",
                "%%answer quiz-count-race\nC", "check(\"quiz-count-race\");"), "t.ipynb");
        List<NotebookFile.Cell> cells = nb.cells();
        assertEquals(null, cells.get(0).role());
        assertEquals(NotebookFile.Role.SOLUTION, cells.get(1).role());
        assertEquals("safe-counter", cells.get(1).exercise());
        assertEquals("class A {}", cells.get(1).body());
        assertEquals(NotebookFile.Role.CHECK, cells.get(2).role());
        assertEquals(NotebookFile.Role.ANSWER, cells.get(3).role());
        assertEquals(NotebookFile.Role.CHECK, cells.get(4).role());
        assertEquals("quiz-count-race", cells.get(4).exercise());
        assertEquals(List.of("safe-counter", "quiz-count-race"), nb.exercises());
    }

    @Test
    void theLastSolutionCellOfAnExerciseCounts() throws Exception {
        NotebookFile nb = NotebookFile.parse(notebook("%%solution a\nfirst", "%%solution a\nsecond"), "t.ipynb");
        assertEquals("second", nb.answerCell("a").body());
    }

    @Test
    void sourcesMayBeListsOfLines() throws Exception {
        NotebookFile nb = NotebookFile.parse("{\"cells\":[{\"cell_type\":\"code\",\"metadata\":{},\"outputs\":[],\"execution_count\":null,"
                + "\"source\":[\"%%solution a\\n\",\"class A {}\"]}],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}", "t.ipynb");
        assertEquals("class A {}", nb.answerCell("a").body());
    }

    @Test
    void brokenJsonSaysSoAndWhatToDo() {
        var e = assertThrows(NotebookFile.Unreadable.class, () -> NotebookFile.parse("{\"cells\": [", "hw.ipynb"));
        assertTrue(e.getMessage().startsWith("hw.ipynb is not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("take it again from the release"), e.getMessage());
        var e2 = assertThrows(NotebookFile.Unreadable.class, () -> NotebookFile.parse("{\"x\": 1}", "hw.ipynb"));
        assertTrue(e2.getMessage().contains("no list of cells"), e2.getMessage());
    }

    @Test
    void writesLikeNbformatWithOutputsCleared() throws Exception {
        NotebookFile nb = NotebookFile.parse(notebook("a\nb"), "t.ipynb");
        nb.clearOutputs();
        nb.setSource(0, "x\ny\n");
        String json = nb.toJson();
        assertTrue(json.startsWith("{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,"), json);
        assertTrue(json.contains("\"outputs\": [],"), json);
        assertTrue(json.contains("\"source\": [\n    \"x\\n\",\n    \"y\\n\"\n   ]"), json);
        assertTrue(json.endsWith("}\n"));
    }
}
