package dev.allocator.tests.fault;

import dev.allocator.api.Allocator;
import dev.allocator.api.Allocators;
import dev.allocator.tests.contract.Subject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A spec with {@code faulty} stages in it, and what its allocator promises: {@code template} marks each place of a
 * faulty stage with {@value #PLACE}, filled in by {@link #open(String, String)}.
 *
 * @param template the spec, with {@value #PLACE} for each faulty stage
 * @param caps     the contract capabilities of the spec without faults (sizes, alignment, threads, reuse, bounds)
 * @param lazy     whether the stages above take memory from a faulty stage while in use, not only when opened
 * @param knownBugs fault tests this subject is known to fail, by method name, with the bug: they are skipped
 *                 (aborted) with that text; remove an entry when its bug is fixed
 */
public record FaultSubject(String template, Subject caps, boolean lazy, Map<String, String> knownBugs) {

    /** Where a faulty stage goes in a template. */
    public static final String PLACE = "{F}";

    public FaultSubject(String template, Subject caps, boolean lazy) {
        this(template, caps, lazy, Map.of());
    }

    public FaultSubject {
        knownBugs = Map.copyOf(knownBugs);
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(caps, "caps");
        if (!template.contains(PLACE)) {
            throw new IllegalArgumentException("a template must hold " + PLACE + ": template=" + template);
        }
    }

    /**
     * The spec with each {@value #PLACE} replaced by {@code faulty(id=<name>-<n>, <options>)}, {@code n} counting
     * from 1.
     */
    public String spec(String name, String options) {
        StringBuilder spec = new StringBuilder(template);
        int n = 0;
        for (int at = spec.indexOf(PLACE); at >= 0; at = spec.indexOf(PLACE, at)) {
            String stage = "faulty(id=" + name + "-" + ++n + (options.isEmpty() ? "" : ", " + options) + ")";
            spec.replace(at, at + PLACE.length(), stage);
        }
        return spec.toString();
    }

    /** This subject, known to fail fault test {@code testMethod} because of {@code bug}. */
    public FaultSubject withKnownBug(String testMethod, String bug) {
        Map<String, String> bugs = new HashMap<>(knownBugs);
        bugs.put(testMethod, bug);
        return new FaultSubject(template, caps, lazy, bugs);
    }

    /** How many faulty stages the template holds. */
    public int places() {
        int n = 0;
        for (int at = template.indexOf(PLACE); at >= 0; at = template.indexOf(PLACE, at + 1)) {
            n++;
        }
        return n;
    }

    /**
     * What {@link #open} built: the top stage (or the exception opening threw) and the faulty stages created, in
     * template order ({@code null} for a place never built because opening failed first).
     */
    public record Opened(String spec, Allocator top, RuntimeException failure, List<FaultyAllocator> stages) {

        /** The faulty stages that were created. */
        public List<FaultyAllocator> created() {
            return stages.stream().filter(Objects::nonNull).toList();
        }

        /** Turns the fault plans of every faulty stage on or off. */
        public void arm(boolean on) {
            created().forEach(stage -> stage.arm(on));
        }

        /** The failures injected so far, over every faulty stage. */
        public long injected() {
            return created().stream().mapToLong(FaultyAllocator::injected).sum();
        }
    }

    /**
     * Opens the spec with faulty stages named {@code name-1}, {@code name-2}... given {@code options}.
     *
     * @param name    a name no other open spec uses
     * @param options the faulty stages' options after {@code id}, e.g. {@code "probability=0.2, seed=7"}
     * @return what was built; a {@link RuntimeException} from opening is returned, not thrown
     */
    public Opened open(String name, String options) {
        String spec = spec(name, options);
        Allocator top = null;
        RuntimeException failure = null;
        try {
            top = Allocators.open(spec);
        } catch (RuntimeException e) {
            failure = e;
        }
        List<FaultyAllocator> stages = new ArrayList<>();
        for (int n = 1; n <= places(); n++) {
            stages.add(FaultyProvider.poll(name + "-" + n));
        }
        return new Opened(spec, top, failure, stages);
    }

    /** Returns the template, so parameterized test names show the subject. */
    @Override
    public String toString() {
        return template;
    }
}
