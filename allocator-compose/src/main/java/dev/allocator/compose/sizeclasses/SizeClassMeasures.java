package dev.allocator.compose.sizeclasses;

import dev.allocator.api.Measure;

import java.util.function.Consumer;

/** The measures a {@link SizeClassAllocator} lists: layer {@code sizeclasses}, no more tags. */
final class SizeClassMeasures {

    private SizeClassMeasures() {
    }

    static void list(SizeClassAllocator allocator, Consumer<? super Measure> sink) {
        sink.accept(Measure.gauge("allocator.sizeclasses.slabs", "sizeclasses", "slabs",
                "Slabs held now, over all classes", allocator, SizeClassAllocator::slabCount));
        sink.accept(Measure.counter("allocator.sizeclasses.trim.failures", "sizeclasses", "failures",
                "Periods in which the idle trimmer could not give slabs back (each is logged)", allocator,
                SizeClassAllocator::trimFailures));
    }
}
