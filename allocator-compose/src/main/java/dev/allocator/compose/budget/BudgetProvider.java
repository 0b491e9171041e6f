package dev.allocator.compose.budget;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code budget}: a {@link BudgetAllocator} with a budget of its own. Budgets nest by stacking
 * stages ({@code budget(limit=64MiB, name=cache) > budget(limit=1GiB, name=process) > system}); for a budget shared
 * by several allocators, build them in code with {@link Budget#child}.
 *
 * {@snippet :
 * Allocator allocator = Allocators.open("budget(limit=256MiB) > pool(blockSize=4KiB, capacity=100000)");
 * }
 */
public final class BudgetProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.required("limit", "the most bytes handed out at once, e.g. 256MiB"),
            ProviderOption.optional("name", "budget", "the name errors and JFR events show"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public BudgetProvider() {
    }

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public String description() {
        return "a byte limit over the allocator beneath it";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        return new BudgetAllocator(backing, Budget.of(options.string("name"), options.size("limit")), true);
    }
}
