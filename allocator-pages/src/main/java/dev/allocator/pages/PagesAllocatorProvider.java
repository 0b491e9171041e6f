package dev.allocator.pages;

import dev.allocator.api.Allocator;
import dev.allocator.api.AllocatorProvider;
import dev.allocator.api.Options;
import dev.allocator.api.ProviderOption;
import dev.allocator.pages.internal.Machine;

import java.util.List;
import java.util.Map;

/**
 * The provider named {@code pages}: creates a {@link PagesAllocator}. It takes no backing allocator (it is the last
 * stage of a spec) and four options:
 * <ul>
 *   <li>{@code hugePages} ({@code false}, {@code true}, {@code hugetlb} or {@code transparent}; default
 *       {@code false}): see {@link HugePages}. {@code true} takes reserved huge pages ({@code MAP_HUGETLB}) when
 *       {@code vm.nr_hugepages} has some free, else advises transparent huge pages ({@code MADV_HUGEPAGE}), which
 *       works when {@code /sys/kernel/mm/transparent_hugepage/enabled} is {@code always} or {@code madvise}.</li>
 *   <li>{@code fallback} ({@code fail} or {@code basepages}; default {@code fail}): what to do when huge pages
 *       cannot be had: fail the allocation, naming the reason and the sysctl or file that controls it, or map base
 *       pages.</li>
 *   <li>{@code numaNode} (an online node, or {@code -1}; default {@code -1}): bind the pages to that node
 *       ({@code mbind(MPOL_BIND)}). A node that is not online is refused when the allocator is created, naming the
 *       online ones. On a machine with one node, {@code numaNode=0} binds to it, which is where the memory comes from
 *       anyway; a kernel without NUMA accepts {@code 0} only and binds nothing.</li>
 *   <li>{@code populate} ({@code true} or {@code false}; default {@code false}): fault every page in when mapping
 *       ({@code MAP_POPULATE}), so that first touches do not page-fault.</li>
 * </ul>
 *
 * {@snippet :
 * try (Allocator slabs = Allocators.open("pool(blockSize=64, capacity=1024) > pages(hugePages=true, populate=true)")) {
 *     MemorySegment block = slabs.allocate(Layout.of(64));
 *     slabs.deallocate(block, Layout.of(64));
 * }
 * }
 */
public final class PagesAllocatorProvider implements AllocatorProvider {

    private static final List<ProviderOption> OPTIONS = List.of(
            ProviderOption.optional("hugePages", "false",
                    "false | true (MAP_HUGETLB, else madvise(MADV_HUGEPAGE)) | hugetlb | transparent"),
            ProviderOption.optional("fallback", "fail",
                    "fail | basepages: when huge pages cannot be had, fail naming why, or map base pages"),
            ProviderOption.optional("numaNode", "-1", "an online NUMA node to bind the pages to (mbind), -1: none"),
            ProviderOption.optional("populate", "false", "true: fault every page in when mapping (MAP_POPULATE)"));

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public PagesAllocatorProvider() {
    }

    @Override
    public String name() {
        return "pages";
    }

    @Override
    public String description() {
        return "page-granular memory from mmap/munmap: huge pages, a NUMA node, populate";
    }

    @Override
    public List<ProviderOption> options() {
        return OPTIONS;
    }

    @Override
    public boolean usesBacking() {
        return false;
    }

    /**
     * Creates a page allocator.
     *
     * @param raw     the options
     * @param backing ignored (pass {@code null})
     * @throws IllegalArgumentException when an option is unknown or its value is not one it takes, or
     *                                  {@code numaNode} is not an online node
     */
    @Override
    public Allocator create(Map<String, String> raw, Allocator backing) {
        Options options = Options.of(name(), raw, OPTIONS);
        HugePages huge = options.choice("hugePages", HugePages.class);
        boolean fallback = switch (options.string("fallback")) {
            case "fail" -> false;
            case "basepages" -> true;
            default -> throw options.bad("fallback", "fail or basepages", options.string("fallback"));
        };
        int node = options.intValue("numaNode");
        List<Integer> online = Machine.onlineNodes();
        if (node != -1 && (!online.contains(node) || node > 63)) {
            throw options.bad("numaNode", "-1 or an online NUMA node (online: " + online + ", from "
                    + Machine.NODES_ONLINE + ")", Integer.toString(node));
        }
        return new PagesAllocator(huge, fallback, node, options.bool("populate"));
    }
}
