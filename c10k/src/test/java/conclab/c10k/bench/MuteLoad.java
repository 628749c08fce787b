package conclab.c10k.bench;

import java.io.OutputStream;

/** A load generator that breaks its contract: it never prints its {@code held} line, and ends when its stdin does. */
public final class MuteLoad {
    public static void main(String[] args) throws Exception {
        System.err.println("mute: connecting forever");
        System.in.transferTo(OutputStream.nullOutputStream());
    }
}
