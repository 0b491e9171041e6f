package dev.allocator.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.allocator.api.Rejections.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MeasureTest {

    private static List<String> listed(Allocator allocator) {
        List<String> names = new ArrayList<>();
        allocator.measures(measure -> names.add(measure.toString()));
        return names;
    }

    @Test
    void shouldReadTheFigureFromTheSourceWhenAsked() {
        AtomicLong source = new AtomicLong(5);
        Measure measure = Measure.counter("allocator.test.events", "test", "events", "events so far", source,
                AtomicLong::get);
        assertEquals(Measure.Kind.COUNTER, measure.kind());
        assertEquals(5, measure.read());
        source.set(7);
        assertEquals(7, measure.read());
        assertSame(source, measure.source());
    }

    @Test
    void shouldAddTagsWithoutChangingTheOriginal() {
        Measure plain = Measure.gauge("allocator.test.level", "test", "bytes", "a level", new AtomicLong(), AtomicLong::get);
        Measure tagged = plain.tag("block.size", "64").tag("zone", "a");
        assertEquals(Map.of(), plain.tags());
        assertEquals(Map.of("block.size", "64", "zone", "a"), tagged.tags());
        assertEquals("allocator.test.level{layer=test, block.size=64, zone=a}", tagged.toString());
        assertEquals(Map.of("block.size", "128", "zone", "a"), tagged.tag("block.size", "128").tags());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Allocator.used", "allocator..used", "allocator.used.", ".used", "allocator.9s",
            "allocator used", "allocator_used"})
    void shouldRejectANameThatIsNotLowerCaseDottedWords(String name) {
        rejects(IllegalArgumentException.class, () -> Measure.gauge(name, "test", "bytes", "", "s", s -> 0),
                "name must be lower-case words joined by dots: name=\"" + name + "\"");
    }

    @Test
    void shouldRejectBadLayersUnitsAndTags() {
        rejects(IllegalArgumentException.class, () -> Measure.gauge("a.b", "Pool", "bytes", "", "s", s -> 0),
                "layer must be lower-case words joined by dots: layer=\"Pool\"");
        rejects(IllegalArgumentException.class, () -> Measure.gauge("a.b", "pool", "", "", "s", s -> 0),
                "baseUnit must be lower-case words joined by dots: baseUnit=\"\"");
        Measure measure = Measure.gauge("a.b", "pool", "bytes", "", "s", s -> 0);
        rejects(IllegalArgumentException.class, () -> measure.tag("layer", "x"),
                "a tag key must not be 'layer' and a tag value must not be empty: layer=\"x\"");
        rejects(IllegalArgumentException.class, () -> measure.tag("zone", ""),
                "a tag key must not be 'layer' and a tag value must not be empty: zone=\"\"");
        rejects(IllegalArgumentException.class, () -> measure.tag("Zone", "a"),
                "tag key must be lower-case words joined by dots: tag key=\"Zone\"");
        assertThrows(NullPointerException.class, () -> measure.tag("zone", null));
        assertThrows(NullPointerException.class, () -> Measure.gauge("a.b", "pool", "bytes", null, "s", s -> 0));
        assertThrows(NullPointerException.class, () -> Measure.gauge("a.b", "pool", "bytes", "", null, s -> 0));
        assertThrows(NullPointerException.class, () -> Measure.counter("a.b", "pool", "bytes", "", "s", null));
        assertEquals(Map.of(), measure.tags());
    }

    @Test
    void shouldListNothingByDefault() {
        Allocator bare = (Allocator) Proxy.newProxyInstance(Allocator.class.getClassLoader(),
                new Class<?>[] {Allocator.class}, (proxy, method, args) -> method.isDefault()
                        ? InvocationHandler.invokeDefault(proxy, method, args) : null);
        assertEquals(List.of(), listed(bare));
        assertThrows(NullPointerException.class, () -> bare.measures(null));
    }

    @Test
    void shouldListEveryStageTopFirstThroughAStackAndBothSidesOfAFallback() {
        try (Allocator stack = Allocators.open("stage(label=top) > (stage(label=a) | stage(label=b)) > stage(label=c)")) {
            assertEquals(List.of("top", "a", "c", "system", "b", "c", "system").stream()
                    .map(label -> "allocator.stage.closed{layer=stage, label=" + label + "}").toList(), listed(stack));
        }
    }

    @Test
    void shouldListTheSharedBackingOnceForEachSideWithOneSource() {
        try (Allocator choice = Allocators.open("(stage(label=a) | stage(label=b)) > stage(label=c)")) {
            List<Object> sources = new ArrayList<>();
            choice.measures(measure -> {
                if (measure.tags().get("label").equals("c")) {
                    sources.add(measure.source());
                }
            });
            assertEquals(2, sources.size());
            assertSame(sources.get(0), sources.get(1));
        }
    }
}
