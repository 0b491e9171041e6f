package dev.allocator.tests.shm;

import dev.allocator.shm.SharedPool;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The child process of {@link SharedPoolTwoProcessTest}. Modes:
 * <ul>
 *   <li>{@code echo POOL RINGS N}: the consumer: takes N blocks from the fill ring, checks each payload and its order,
 *       marks it and returns it through the completion ring; prints {@code ok N} and exits 0, or exits 1 on a bad
 *       block, 2 when nothing arrives for 30 s.</li>
 *   <li>{@code hold POOL K}: acquires K blocks, prints {@code held i j ...}, then waits to be killed.</li>
 *   <li>{@code acquire POOL} / {@code release POOL}: one acquire (and release) with
 *       {@code -Ddev.allocator.shm.pauseAt} set by the test: the pool prints {@code paused at ...} and stops there.</li>
 * </ul>
 */
public final class ShmChild {

    private ShmChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (Arena arena = Arena.ofShared(); SharedPool pool = SharedPool.open(Path.of(args[1]))) {
            switch (args[0]) {
                case "echo" -> System.exit(echo(pool, HandOver.map(Path.of(args[2]), false, arena),
                        Long.parseLong(args[3])));
                case "hold" -> {
                    int[] held = new int[Integer.parseInt(args[2])];
                    for (int i = 0; i < held.length; i++) {
                        held[i] = pool.acquire();
                    }
                    System.out.println("held " + String.join(" ", Arrays.stream(held).mapToObj(String::valueOf)
                            .toList()));
                    System.out.flush();
                    Thread.sleep(60_000);
                }
                case "acquire" -> pool.acquire();
                case "release" -> pool.release(pool.acquire());
                default -> throw new IllegalArgumentException("mode: " + args[0]);
            }
        }
    }

    private static int echo(SharedPool pool, HandOver rings, long blocks) {
        int[] batch = new int[64];
        long sequence = 0;
        long idleSince = System.nanoTime();
        while (sequence < blocks) {
            int n = rings.fill.poll(batch, 0, batch.length);
            if (n == 0) {
                if (System.nanoTime() - idleSince > 30_000_000_000L) {
                    System.out.println("idle for 30 s at block " + sequence);
                    return 2;
                }
                Thread.onSpinWait();
                continue;
            }
            idleSince = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (!HandOver.checkAndMark(pool.segment(batch[i]), sequence++)) {
                    System.out.println("bad payload in block " + batch[i] + " at sequence " + (sequence - 1));
                    return 1;
                }
            }
            for (int sent = 0; sent < n; ) {
                sent += rings.completion.offer(batch, sent, n - sent);
            }
        }
        System.out.println("ok " + sequence);
        return 0;
    }
}
