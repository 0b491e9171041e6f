package dev.allocator.micrometer;

import dev.allocator.api.Allocator;
import dev.allocator.api.Measure;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Publishes an {@link Allocator}'s {@link dev.allocator.api.AllocatorStats}, and the {@link Measure}s of every layer of
 * its stack, to a Micrometer {@link MeterRegistry}.
 *
 * {@snippet :
 * Allocator frames = Allocators.open("pool(blockSize=2KiB, capacity=4096) > system");
 * new AllocatorMetrics(frames, "frames", Tags.of("spec", "pool")).bindTo(registry);
 * }
 *
 * <h2>Meters</h2>
 * Every meter is tagged {@code allocator=<name>}, plus the tags given to the constructor.
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>type</th><th>unit</th><th>from</th></tr>
 *   <tr><td>{@value #MEMORY_USED}</td><td>gauge</td><td>bytes</td><td>{@code bytesInUse}</td></tr>
 *   <tr><td>{@value #MEMORY_RESERVED}</td><td>gauge</td><td>bytes</td><td>{@code bytesReserved}</td></tr>
 *   <tr><td>{@value #LIVE}</td><td>gauge</td><td>allocations</td><td>{@code liveAllocations()}</td></tr>
 *   <tr><td>{@value #ALLOCATIONS}</td><td>function counter</td><td>allocations</td><td>{@code allocations}</td></tr>
 *   <tr><td>{@value #DEALLOCATIONS}</td><td>function counter</td><td>deallocations</td>
 *       <td>{@code deallocations}</td></tr>
 *   <tr><td>{@value #FAILURES}</td><td>function counter</td><td>failures</td><td>{@code failures} (a pool's
 *       exhaustions, a budget's refusals, requests too large...)</td></tr>
 * </table>
 *
 * <h2>Measures of each layer</h2>
 * Then every {@link Measure} the allocator lists through {@link Allocator#measures} (those of each stage of its stack:
 * a pool's exhaustions and blocks in use, a budget's limit, use and headroom, a {@code stats} stage's allocations by
 * size, ...; {@code docs/micrometer.md} has the table), a {@link Measure.Kind#GAUGE GAUGE} as a gauge and a
 * {@link Measure.Kind#COUNTER COUNTER} as a function counter, tagged {@code layer=<layer>} and with the measure's tags
 * as well. Two layers whose measures would get the same name and tags (two budgets of one name in one stack) are told
 * apart by the layer tag: the first listed (the one nearer the top) keeps {@code layer=budget}, the next gets
 * {@code layer=budget.2}, and so on. A layer listed twice with the same source (a backing shared by both sides of a
 * choice) is published once. A plain {@code system} allocator lists none.
 *
 * <h2>Lifetime</h2>
 * Like Micrometer's own binders, the meters hold the allocator through a weak reference, and so does this binder:
 * neither keeps an allocator alive. After the allocator is closed the meters go on reading {@link Allocator#stats()},
 * which every allocator answers after close (its final counts; most report {@code bytesReserved} 0 then). Once the
 * allocator has been garbage collected, the gauges read {@code NaN} and the counters keep their last value, and
 * {@link #bindTo} registers nothing. The layers' measures hold their sources (the layers) weakly too. Remove the meters from the registry ({@code registry.remove(meter)}) when the
 * allocator's name will not come back.
 *
 * <p>Thread-safety: immutable; {@link #bindTo} may be called for several registries, from any thread. Each meter
 * takes its own {@code stats()} snapshot when read, so figures of one scrape of a busy allocator were each true at
 * some instant of the scrape.
 */
public final class AllocatorMetrics implements MeterBinder {

    /** Bytes handed out and not yet given back. */
    public static final String MEMORY_USED = "allocator.memory.used";
    /** Bytes the allocator holds from its backing allocator or the operating system. */
    public static final String MEMORY_RESERVED = "allocator.memory.reserved";
    /** Allocations not yet given back. */
    public static final String LIVE = "allocator.allocations.live";
    /** Successful allocations. */
    public static final String ALLOCATIONS = "allocator.allocations";
    /** Successful deallocations. */
    public static final String DEALLOCATIONS = "allocator.deallocations";
    /** Allocation requests that could not be satisfied. */
    public static final String FAILURES = "allocator.failures";
    /** The tag that names the allocator. */
    public static final String NAME_TAG = "allocator";

    /** Weak, so that neither the binder nor its meters keep the allocator alive. */
    private final WeakReference<Allocator> allocator;
    private final Tags tags;

    /**
     * A binder for {@code allocator}, its meters tagged {@code allocator=name}.
     *
     * @param allocator the allocator; held weakly by the meters
     * @param name      the value of the {@code allocator} tag, not empty
     * @throws IllegalArgumentException when {@code name} is empty
     * @throws NullPointerException     when an argument is null
     */
    public AllocatorMetrics(Allocator allocator, String name) {
        this(allocator, name, List.of());
    }

    /**
     * A binder for {@code allocator}, its meters tagged {@code allocator=name} and with {@code tags} (a
     * {@code spec} tag, say).
     *
     * @param allocator the allocator; held weakly by the meters
     * @param name      the value of the {@code allocator} tag, not empty
     * @param tags      more tags for every meter
     * @throws IllegalArgumentException when {@code name} is empty
     * @throws NullPointerException     when an argument is null
     */
    public AllocatorMetrics(Allocator allocator, String name, Iterable<Tag> tags) {
        this.allocator = new WeakReference<>(Objects.requireNonNull(allocator, "allocator"));
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty: name=\"\"");
        }
        this.tags = Tags.of(NAME_TAG, name).and(Objects.requireNonNull(tags, "tags"));
    }

    /**
     * Registers the meters with {@code registry}: the stats, then the measures the allocator lists now; registering
     * them again (same names and tags) returns the meters already there. Does nothing once the allocator has been
     * garbage collected.
     *
     * @param registry the registry
     * @throws NullPointerException when {@code registry} is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        Allocator target = allocator.get();
        if (target == null) {
            return;
        }
        gauge(registry, target, MEMORY_USED, "Bytes handed out and not yet given back", BaseUnits.BYTES,
                a -> a.stats().bytesInUse());
        gauge(registry, target, MEMORY_RESERVED, "Bytes held from the backing allocator or the operating system",
                BaseUnits.BYTES, a -> a.stats().bytesReserved());
        gauge(registry, target, LIVE, "Allocations not yet given back", "allocations",
                a -> a.stats().liveAllocations());
        counter(registry, target, ALLOCATIONS, "Successful allocations", "allocations", a -> a.stats().allocations());
        counter(registry, target, DEALLOCATIONS, "Successful deallocations", "deallocations",
                a -> a.stats().deallocations());
        counter(registry, target, FAILURES, "Allocation requests that could not be satisfied", "failures",
                a -> a.stats().failures());
        bindMeasures(registry, target);
    }

    /**
     * Registers each measure the allocator lists, keyed by name, layer and tags: a key taken by another source moves
     * the measure to the next free {@code layer.n}; a key taken by the same source is that layer listed again.
     */
    private void bindMeasures(MeterRegistry registry, Allocator target) {
        List<Measure> listed = new ArrayList<>();
        target.measures(listed::add);
        Map<String, Object> sources = new HashMap<>();
        for (Measure measure : listed) {
            String layer = measure.layer();
            for (int n = 2; ; n++) {
                String key = measure.name() + ' ' + layer + ' ' + new TreeMap<>(measure.tags());
                Object source = sources.putIfAbsent(key, measure.source());
                if (source == null) {
                    register(registry, measure, layer);
                    break;
                }
                if (source == measure.source()) {
                    break;
                }
                layer = measure.layer() + '.' + n;
            }
        }
    }

    private void register(MeterRegistry registry, Measure measure, String layer) {
        List<Tag> meterTags = new ArrayList<>();
        measure.tags().forEach((key, value) -> meterTags.add(Tag.of(key, value)));
        Tags all = Tags.of(meterTags).and(Measure.LAYER_TAG, layer).and(tags);
        ToLongFunction<Object> reader = measure.reader();
        if (measure.kind() == Measure.Kind.GAUGE) {
            Gauge.builder(measure.name(), measure.source(), source -> reader.applyAsLong(source))
                    .description(measure.description()).baseUnit(measure.baseUnit()).tags(all).register(registry);
        } else {
            FunctionCounter.builder(measure.name(), measure.source(), source -> reader.applyAsLong(source))
                    .description(measure.description()).baseUnit(measure.baseUnit()).tags(all).register(registry);
        }
    }

    private void gauge(MeterRegistry registry, Allocator target, String name, String description, String unit,
                       ToDoubleFunction<Allocator> value) {
        Gauge.builder(name, target, value).description(description).baseUnit(unit).tags(tags).register(registry);
    }

    private void counter(MeterRegistry registry, Allocator target, String name, String description, String unit,
                         ToDoubleFunction<Allocator> value) {
        FunctionCounter.builder(name, target, value).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }

    @Override
    public String toString() {
        return "AllocatorMetrics(" + tags + ")";
    }
}
