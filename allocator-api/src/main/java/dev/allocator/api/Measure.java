package dev.allocator.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * One figure an allocator can report beyond {@link AllocatorStats}: a pool's exhaustions, a budget's headroom, one
 * bucket of a size histogram. {@link Allocator#measures} lists them; a monitoring binder (such as
 * {@code dev.allocator.micrometer.AllocatorMetrics}) lists them once and then {@linkplain #read() reads} each when it
 * is scraped.
 *
 * {@snippet :
 * allocator.measures(measure -> System.out.println(measure + " = " + measure.read()));
 * // allocator.pool.exhaustions{layer=pool, block.size=256} = 0
 * }
 *
 * <p>A measure names its {@link #source()} (most often the allocator layer that has the figure) and a
 * {@link #reader()} that computes the figure from it, rather than one function that holds the source: so a binder can
 * hold the source weakly, as Micrometer's own binders do, and publishing a measure keeps no allocator alive. A
 * reader must therefore not capture its source (a method reference such as {@code FixedBlockPool::capacity}, or a
 * lambda that uses only its argument and constants).
 *
 * <p>Names and tag keys are lower-case words joined by dots ({@code allocator.budget.headroom}, {@code block.size});
 * values are in the {@link #baseUnit()} (bytes for memory). Each {@link #layer()} becomes a {@code layer} tag, so the
 * figures of two layers of one stack keep apart. Within one name, every measure has the same tag keys.
 *
 * <p>Immutable and thread-safe; {@link #read()} may be called from any thread, any time, also after the allocator
 * closed (it reads what the source reports then) and allocates nothing beyond what the source's getter does.
 *
 * @param name        the metric name, lower-case words joined by dots ({@code allocator.pool.exhaustions})
 * @param kind        a gauge (goes up and down) or a counter (only grows)
 * @param layer       the kind of allocator layer the figure comes from ({@code pool}, {@code budget}, ...), a
 *                    lower-case dotted name
 * @param baseUnit    the unit of the value ({@code bytes}, {@code blocks}, {@code requests}), a lower-case dotted name
 * @param description what the figure is, for humans
 * @param tags        more tags that tell measures of one name apart ({@code block.size=64}); keys are lower-case
 *                    dotted names other than {@code layer}, values are not empty
 * @param source      what the figure is read from
 * @param reader      computes the figure from {@code source}; must not capture it
 */
public record Measure(String name, Kind kind, String layer, String baseUnit, String description,
                      Map<String, String> tags, Object source, ToLongFunction<Object> reader) {

    /** The tag a binder gives the {@link #layer()}. */
    public static final String LAYER_TAG = "layer";

    /** How a figure moves. */
    public enum Kind {
        /** A value that goes up and down (bytes in use, headroom); read as is. */
        GAUGE,
        /** A count that only grows (exhaustions, allocations of one size); rates are taken from it. */
        COUNTER
    }

    /**
     * Checks every component.
     *
     * @throws IllegalArgumentException when a name, layer, unit or tag key is not a lower-case dotted name, a tag key
     *                                  is {@code layer}, or a tag value is empty
     * @throws NullPointerException     when a component, a tag key or a tag value is null
     */
    public Measure {
        Checks.requireDottedName(name, "name");
        Objects.requireNonNull(kind, "kind");
        Checks.requireDottedName(layer, "layer");
        Checks.requireDottedName(baseUnit, "baseUnit");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(tags, "tags").forEach(Measure::requireTag);
        tags = Map.copyOf(tags);
    }

    private static void requireTag(String key, String value) {
        Checks.requireDottedName(key, "tag key");
        Objects.requireNonNull(value, "tag value");
        if (key.equals(LAYER_TAG) || value.isEmpty()) {
            throw new IllegalArgumentException("a tag key must not be 'layer' and a tag value must not be empty: "
                    + key + "=\"" + value + "\"");
        }
    }

    /**
     * A gauge without tags; add them with {@link #tag}.
     *
     * @param name        the metric name
     * @param layer       the kind of layer it comes from
     * @param baseUnit    the unit
     * @param description what it is
     * @param source      what it is read from
     * @param reader      computes it from {@code source}, without capturing it
     * @param <T>         the source's type
     * @return the measure
     * @throws IllegalArgumentException as the canonical constructor
     * @throws NullPointerException     when an argument is null
     */
    public static <T> Measure gauge(String name, String layer, String baseUnit, String description, T source,
                                    ToLongFunction<? super T> reader) {
        return new Measure(name, Kind.GAUGE, layer, baseUnit, description, Map.of(), source, erase(reader));
    }

    /**
     * A counter without tags; add them with {@link #tag}.
     *
     * @param name        the metric name
     * @param layer       the kind of layer it comes from
     * @param baseUnit    the unit
     * @param description what it counts
     * @param source      what it is read from
     * @param reader      computes it from {@code source}, without capturing it; never decreases
     * @param <T>         the source's type
     * @return the measure
     * @throws IllegalArgumentException as the canonical constructor
     * @throws NullPointerException     when an argument is null
     */
    public static <T> Measure counter(String name, String layer, String baseUnit, String description, T source,
                                      ToLongFunction<? super T> reader) {
        return new Measure(name, Kind.COUNTER, layer, baseUnit, description, Map.of(), source, erase(reader));
    }

    /** The reader is only ever applied to the source it was given with, which is a {@code T}. */
    @SuppressWarnings("unchecked")
    private static <T> ToLongFunction<Object> erase(ToLongFunction<? super T> reader) {
        return (ToLongFunction<Object>) Objects.requireNonNull(reader, "reader");
    }

    /**
     * This measure with one more tag (or {@code key} set to {@code value}).
     *
     * @param key   a lower-case dotted name other than {@code layer}
     * @param value not empty
     * @return a new measure
     * @throws IllegalArgumentException when the key or value is bad, as the canonical constructor says
     * @throws NullPointerException     when an argument is null
     */
    public Measure tag(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(tags);
        more.put(Objects.requireNonNull(key, "tag key"), Objects.requireNonNull(value, "tag value"));
        return new Measure(name, kind, layer, baseUnit, description, more, source, reader);
    }

    /**
     * Reads the figure now.
     *
     * @return {@code reader().applyAsLong(source())}
     */
    public long read() {
        return reader.applyAsLong(source);
    }

    /** Returns {@code name{layer=pool, block.size=64}}, tags sorted by key. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name).append('{').append(LAYER_TAG).append('=').append(layer);
        new TreeMap<>(tags).forEach((k, v) -> text.append(", ").append(k).append('=').append(v));
        return text.append('}').toString();
    }
}
