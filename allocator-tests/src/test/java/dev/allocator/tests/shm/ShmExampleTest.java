package dev.allocator.tests.shm;

import dev.allocator.shm.SharedPool;
import dev.allocator.tests.support.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the worked example of docs/shm.md across two JVMs. */
class ShmExampleTest {

    @TempDir
    Path dir;

    @Test
    void shouldRunTheWorkedExampleAcrossTwoJvms() throws Exception {
        Path poolFile = dir.resolve("frames");
        Path ringFile = dir.resolve("rings");
        int count = 100_000;
        try (Arena arena = Arena.ofShared(); SharedPool pool = ShmExample.create(poolFile, ringFile, arena)) {
            CompletableFuture<ChildJvm.Ended> consumer = CompletableFuture.supplyAsync(() -> ChildJvm.run(
                    ShmExample.class, Duration.ofMinutes(1), poolFile.toString(), ringFile.toString()));
            ShmExample.produce(pool, ringFile, arena, count);
            ChildJvm.Ended ended = consumer.get(1, TimeUnit.MINUTES);
            assertEquals(0, ended.exitCode(), ended.toString());
            assertEquals((long) count * (count - 1) / 2, Long.parseLong(ended.output().strip()));
            assertEquals(0, pool.inUse());
        }
    }
}
