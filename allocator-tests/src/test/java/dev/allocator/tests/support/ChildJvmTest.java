package dev.allocator.tests.support;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChildJvmTest {

    /** Exits with the code given as its argument after printing a line. */
    public static final class Exits {
        public static void main(String[] args) {
            System.out.println("exiting with " + args[0]);
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** Writes to address 8 through an unbounded segment: a real SIGSEGV in the child. */
    public static final class Crashes {
        public static void main(String[] args) {
            MemorySegment.ofAddress(8).reinterpret(8).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 1L);
        }
    }

    @Test
    void shouldReportANormalExit() {
        ChildJvm.Ended ended = ChildJvm.run(Exits.class, Duration.ofSeconds(60), "3");
        assertEquals(3, ended.exitCode(), ended.toString());
        assertFalse(ended.crashed());
        assertTrue(ended.output().contains("exiting with 3"), ended.toString());
    }

    @Test
    void shouldReportACrash() {
        ChildJvm.Ended ended = ChildJvm.run(Crashes.class, Duration.ofSeconds(60));
        assertTrue(ended.crashed(), ended.toString());
    }
}
