package conclab.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Locale;

/**
 * A child for the pipes demo: reads lines on stdin and answers each on stdout, upper-cased, until stdin
 * ends. Run it with {@link LineChild#start LineChild.start(UpperCase.class)}.
 */
public final class UpperCase {
    private UpperCase() {}

    public static void main(String[] args) throws IOException {
        var in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            System.out.println(line.toUpperCase(Locale.ROOT)); // UTF-8: Jvm starts children with stdout.encoding=UTF-8
            System.out.flush(); // without it, the answer may wait in a buffer while the parent waits for it
        }
    }
}
