package dev.allocator.tests.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.allocator.tests.model.Choices;

/** Model decisions taken from a fuzzer's input. */
final class FuzzedChoices implements Choices {

    private final FuzzedDataProvider data;

    FuzzedChoices(FuzzedDataProvider data) {
        this.data = data;
    }

    @Override
    public int nextInt(int bound) {
        return data.consumeInt(0, bound - 1);
    }

    @Override
    public long nextLong(long bound) {
        return data.consumeLong(0, bound - 1);
    }

    @Override
    public boolean hasMore() {
        return data.remainingBytes() > 0;
    }
}
