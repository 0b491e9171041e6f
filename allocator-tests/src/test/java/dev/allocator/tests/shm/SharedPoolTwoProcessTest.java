package dev.allocator.tests.shm;

import dev.allocator.shm.SharedPool;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared pool and two SPSC rings between this JVM and a child JVM ({@link ShmChild}): blocks flow through the fill
 * ring and back through the completion ring with every payload checked on both sides; a child killed with blocks in
 * hand gives exactly those back through {@code recover()}; a child killed between the two steps of an acquire or a
 * release leaves the one block the pool documents as lost, and nothing else. Blocks moved:
 * {@code -Dshm.twoProcess.blocks} (default 2,000,000).
 */
class SharedPoolTwoProcessTest {

    private static final long BLOCKS = Long.getLong("shm.twoProcess.blocks", 2_000_000L);
    private static final int POOL_CAPACITY = 512;

    @TempDir
    Path dir;

    @Test
    void shouldPassMillionsOfBlocksThroughPoolAndRingsToAnotherProcess() throws Exception {
        Path poolFile = dir.resolve("pool");
        Path ringFile = dir.resolve("rings");
        try (Arena arena = Arena.ofShared();
             SharedPool pool = SharedPool.create(poolFile, HandOver.BLOCK_SIZE, POOL_CAPACITY)) {
            HandOver rings = HandOver.map(ringFile, true, arena);
            CompletableFuture<ChildJvm.Ended> child = CompletableFuture.supplyAsync(() -> ChildJvm.run(ShmChild.class,
                    Duration.ofMinutes(2), "echo", poolFile.toString(), ringFile.toString(), Long.toString(BLOCKS)));
            long[] sequenceOf = new long[POOL_CAPACITY];
            int[] batch = new int[64];
            long sent = 0;
            long done = 0;
            while (done < BLOCKS && !child.isDone()) {
                int n = 0;
                for (int index; n < batch.length && sent + n < BLOCKS && (index = pool.tryAcquire()) >= 0; n++) {
                    sequenceOf[index] = sent + n;
                    HandOver.fill(pool.segment(index), sent + n);
                    batch[n] = index;
                }
                for (int offered = 0; offered < n && !child.isDone(); ) { // a dead child must end the test, not spin
                    offered += rings.fill.offer(batch, offered, n - offered);
                }
                sent += n;
                int back = rings.completion.poll(batch, 0, batch.length);
                for (int i = 0; i < back; i++) {
                    assertTrue(HandOver.marked(pool.segment(batch[i]), sequenceOf[batch[i]]),
                            "block " + batch[i] + " came back without the consumer's mark");
                    pool.release(batch[i]);
                }
                done += back;
            }
            ChildJvm.Ended ended = child.get(2, TimeUnit.MINUTES);
            assertEquals(0, ended.exitCode(), ended.toString());
            assertEquals("ok " + BLOCKS, ended.output().strip());
            assertEquals(BLOCKS, done);
            assertEquals(0, pool.inUse());
        }
    }

    @Test
    void shouldRecoverExactlyTheBlocksOfAKilledChild() throws Exception {
        Path poolFile = dir.resolve("pool");
        try (SharedPool pool = SharedPool.create(poolFile, 64, 16)) {
            int mine = pool.acquire();
            Process child = ChildJvm.start(ShmChild.class, List.of(), "hold", poolFile.toString(), "5");
            Set<Integer> held;
            try {
                String line = firstLine(child);
                assertTrue(line.startsWith("held "), line);
                held = Arrays.stream(line.substring(5).split(" ")).map(Integer::valueOf).collect(Collectors.toSet());
                assertEquals(5, held.size());
                assertEquals(6, pool.inUse());
                assertEquals(0, pool.recover(), "the child lives: nothing to recover");
            } finally {
                child.destroyForcibly().waitFor();
            }
            assertEquals(5, pool.recover());
            assertEquals(1, pool.inUse());
            Set<Integer> free = new HashSet<>();
            for (int index; (index = pool.tryAcquire()) >= 0; ) {
                free.add(index);
            }
            assertEquals(15, free.size());
            assertTrue(free.containsAll(held), "recovered " + free + ", child held " + held);
            pool.release(mine);
        }
    }

    @Test
    void shouldLoseOnlyTheOneBlockOfAChildKilledBetweenUnlinkAndOwn() throws Exception {
        assertOneBlockLostWhenKilledAt("acquire", "acquire-unlinked");
    }

    @Test
    void shouldLoseOnlyTheOneBlockOfAChildKilledBetweenDisownAndLink() throws Exception {
        assertOneBlockLostWhenKilledAt("release", "release-unowned");
    }

    private void assertOneBlockLostWhenKilledAt(String mode, String step) throws Exception {
        Path poolFile = dir.resolve("pool");
        try (SharedPool pool = SharedPool.create(poolFile, 64, 8)) {
            Process child = ChildJvm.start(ShmChild.class, List.of("-Ddev.allocator.shm.pauseAt=" + step), mode,
                    poolFile.toString());
            try {
                assertEquals("paused at " + step, firstLine(child));
            } finally {
                child.destroyForcibly().waitFor();
            }
            assertEquals(0, pool.inUse(), "the block is owned by nobody");
            assertEquals(0, pool.recover(), "recover cannot tell it from an operation in progress");
            int free = 0;
            while (pool.tryAcquire() >= 0) {
                free++;
            }
            assertEquals(7, free, "one block lost, the free-list intact");
        }
    }

    private static String firstLine(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (!line.startsWith("WARNING")) {
                return line;
            }
        }
        return "<child ended: exit " + child.exitValue() + ">";
    }
}
