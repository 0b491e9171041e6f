package dev.allocator.arrow;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The worked example of docs/arrow.md: a batch of Arrow vectors over a pool, run by {@code ArrowVectorsTest}. */
final class ArrowVectors {

    private ArrowVectors() {
    }

    /** Builds a batch of {@code rows} (id, name) rows, sums the ids, and returns the sum. */
    static long run(int rows) {
        try (Allocator memory = Allocators.open("pool(blockSize=64KiB, capacity=64) | sizeclasses > system");
             BufferAllocator arrow = new RootAllocator(RootAllocator.configBuilder()
                     .allocationManagerFactory(SegmentAllocationManager.factory(memory))
                     .maxAllocation(8L << 20)                  // Arrow's own limit holds on top of the pool
                     .build())) {
            long sum = 0;
            try (IntVector ids = new IntVector("id", arrow);
                 VarCharVector names = new VarCharVector("name", arrow);
                 VectorSchemaRoot batch = new VectorSchemaRoot(List.of(ids.getField(), names.getField()),
                         List.of(ids, names), 0)) {
                ids.allocateNew(rows);
                names.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    ids.set(i, i);
                    names.setSafe(i, ("row-" + i).getBytes(StandardCharsets.UTF_8));
                }
                batch.setRowCount(rows);
                for (int i = 0; i < batch.getRowCount(); i++) {
                    sum += ids.get(i);
                }
                System.out.printf("%d rows, %d bytes in use in the pool, Arrow accounts %d%n",
                        rows, memory.stats().bytesInUse(), arrow.getAllocatedMemory());
            }
            // every vector closed: the pool has everything back
            System.out.println("after close: " + memory.stats());
            return sum;
        }
    }
}
