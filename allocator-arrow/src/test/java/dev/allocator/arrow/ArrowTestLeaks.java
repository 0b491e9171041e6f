package dev.allocator.arrow;

import java.util.Map;

import static java.util.Map.entry;

/**
 * The tests of Arrow's own suites (19.0.0) that leave buffers unreleased, with how many blocks each leaves in use in
 * the allocator beneath: three on purpose (they check Arrow's leak reports), the others because they never close a
 * vector or a table. {@link HostSuitesLeakTest} checks that exactly these leak, and that each block left in use is one
 * Arrow itself still counts as held (so the adapter gave back every buffer Arrow released).
 */
final class ArrowTestLeaks {

    /** {@code class#method} to blocks left in use. */
    static final Map<String, Long> KNOWN = Map.ofEntries(
            // on purpose: closing a root or child allocator with a buffer outstanding must report the leak
            entry("org.apache.arrow.memory.TestBaseAllocator#testRootAllocator_closeWithOutstanding", 1L),
            entry("org.apache.arrow.memory.TestBaseAllocator#testRootAllocator_createChildDontClose", 1L),
            entry("org.apache.arrow.memory.TestArrowBuf#testEnabledAssertion", 1L),
            // vectors, tables and batches the tests never close
            entry("org.apache.arrow.vector.complex.impl.TestPromotableWriter#testPromoteToUnion", 1L),
            entry("org.apache.arrow.vector.complex.writer.TestComplexWriter#simpleUnion", 20L),
            entry("org.apache.arrow.vector.ipc.MessageSerializerTest#testSerializeRecordBatchV4", 3L),
            entry("org.apache.arrow.vector.table.BaseTableTest#getProvider", 2L),
            entry("org.apache.arrow.vector.table.BaseTableTest#getVectorCopyByIndex", 4L),
            entry("org.apache.arrow.vector.table.BaseTableTest#getVectorCopyByName", 5L),
            entry("org.apache.arrow.vector.table.BaseTableTest#testDecode", 8L),
            entry("org.apache.arrow.vector.table.BaseTableTest#testEncode", 3L),
            entry("org.apache.arrow.vector.table.BaseTableTest#toVectorSchemaRoot", 2L),
            entry("org.apache.arrow.vector.table.TableTest#constructor", 1L),
            entry("org.apache.arrow.vector.table.TableTest#constructor2", 1L),
            entry("org.apache.arrow.vector.table.TableTest#of", 1L),
            entry("org.apache.arrow.vector.table.TableTest#removeVector", 1L));

    private ArrowTestLeaks() {
    }
}
