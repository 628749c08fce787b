package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which shard grades a student: stable, disjoint, covering; and how K/N is read. */
class ShardTest {
    @Test
    void theRuleIsSha256OfTheNameModNAsDocumented() {
        // Computed apart, in Python: int.from_bytes(hashlib.sha256(name.encode()).digest(), "big") % n. A function
        // of the name and N alone, so the same on every JVM and whatever other students the class has.
        assertEquals(0, Shard.of("ada", 3));
        assertEquals(1, Shard.of("ben", 3));
        assertEquals(2, Shard.of("cleo", 3));
        assertEquals(4, Shard.of("ivo", 7));
        assertEquals(995, Shard.of("kim", 1000));
        assertEquals(0, Shard.of("zoë", 3), "the name's UTF-8 bytes, not the platform's charset");
        assertEquals(696, Shard.of("zoë", 1000));
    }

    @Test
    void theShardsOfOneCountAreDisjointAndHoldEveryStudent() {
        List<String> students = names(1000);
        for (int n : new int[] {1, 2, 3, 7, 16}) {
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < n; k++) {
                Shard shard = new Shard(k, n);
                List<String> mine = students.stream().filter(shard::has).toList();
                for (String s : mine) assertTrue(seen.add(s), s + " in two shards of " + n);
                assertTrue(mine.size() > 1000 / n / 2, "shard " + k + " of " + n + " is far too small: " + mine.size());
            }
            assertEquals(new HashSet<>(students), seen, "every student in a shard of " + n);
        }
    }

    @Test
    void kOfNIsReadWithAClearMessageForEveryMistake() {
        assertEquals(new Shard(0, 3), Shard.parse("0/3"));
        assertEquals(new Shard(2, 3), Shard.parse("2/3"));
        assertEquals(new Shard(0, 1), Shard.parse("0/1"));
        for (String bad : List.of("3/3", "4/3", "-1/3", "0/0", "1", "1/", "/3", "a/3", "1/b", "1/3/5", "1.0/3", " 1/3", "",
                "99999999999/3")) {
            var e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--shard needs K/N, two whole numbers with 0 <= K < N"), e.getMessage());
            assertTrue(e.getMessage().endsWith("not " + bad), e.getMessage());
        }
        assertEquals("1-of-3", new Shard(1, 3).folderName());
    }

    private static List<String> names(int n) {
        return IntStream.range(0, n).mapToObj(i -> "student-" + i).toList();
    }
}
