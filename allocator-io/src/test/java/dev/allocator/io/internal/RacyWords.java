package dev.allocator.io.internal;

/**
 * A deliberately broken {@link AtomicWords}: its compare-and-set reads, compares and writes as three steps, so two
 * threads can both "succeed" from the same value. The Lincheck tests show their checker rejects the algorithms over
 * it, which proves the checks can fail.
 */
final class RacyWords extends AtomicWords {

    RacyWords(int count) {
        super(count);
    }

    @Override
    public boolean compareAndSet(int index, long expect, long update) {
        if (get(index) != expect) {
            return false;
        }
        setPlain(index, update);
        return true;
    }
}
