/**
 * A fixed-block pool whose slab, free-list and block states live in a file mapping, so that several processes
 * allocate from it and free to it: {@link dev.allocator.shm.SharedPool}.
 */
module dev.allocator.shm {
    requires dev.allocator.api;

    exports dev.allocator.shm;
}
