package dev.allocator.shm;

/**
 * Test hook: when the system property {@code dev.allocator.shm.pauseAt} names a step ({@code acquire-unlinked},
 * {@code release-unowned}), the process prints {@code paused at <step>} and stops there for good, so that a test can
 * kill it in the middle of an operation. Unset (always, outside tests), it costs a constant-folded null check.
 */
final class PauseHook {

    private static final String PAUSE_AT = System.getProperty("dev.allocator.shm.pauseAt");

    private PauseHook() {
    }

    static void at(String step) {
        if (PAUSE_AT != null && PAUSE_AT.equals(step)) {
            System.out.println("paused at " + step);
            System.out.flush();
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
