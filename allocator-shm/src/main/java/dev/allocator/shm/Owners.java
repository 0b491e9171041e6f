package dev.allocator.shm;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Who a block's owner is, and whether it still lives: the pid and the start time of a process, so that a pid the
 * system gave to a new process is not taken for the old owner.
 */
final class Owners {

    /** This process. */
    static final long PID = ProcessHandle.current().pid();
    /** This process's start, epoch milliseconds; 0 when the system does not say. */
    static final long START = startOf(ProcessHandle.current());
    /** Starts read from the system for the same process may differ by rounding; a reused pid is further away. */
    private static final long START_SLACK_MILLIS = 1_000;

    private final Map<Owner, Boolean> seen = new HashMap<>();

    private record Owner(long pid, long start) {
    }

    /** Whether process {@code pid}, started at {@code start} (0 = unknown), is alive; remembered per pid. */
    boolean alive(long pid, long start) {
        return seen.computeIfAbsent(new Owner(pid, start), owner -> ProcessHandle.of(owner.pid())
                .map(handle -> handle.isAlive() && sameStart(startOf(handle), owner.start()))
                .orElse(false));
    }

    private static boolean sameStart(long found, long recorded) {
        return found == 0 || recorded == 0 || Math.abs(found - recorded) <= START_SLACK_MILLIS;
    }

    private static long startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
