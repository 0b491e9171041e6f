package dev.allocator.tests.architecture;

import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The project's layering, as ArchUnit rules over the main classes: the API stands on the JDK alone, each backend on
 * the API, the JDK and the libraries it chose, no backend on another, and nothing on JDK internals. Run by
 * {@link LayeringRulesTest}; each rule says what and why, so a violation explains itself.
 */
public final class LayeringRules {

    private LayeringRules() {
    }

    static final String API = "dev.allocator.api..";
    static final String SYSTEM = "dev.allocator.system..";
    static final String POOL = "dev.allocator.pool..";
    static final String ARENA = "dev.allocator.arena..";
    static final String COMPOSE = "dev.allocator.compose..";
    static final String IO = "dev.allocator.io..";
    static final String PAGES = "dev.allocator.pages..";
    static final String SECURE = "dev.allocator.secure..";
    static final String RING = "dev.allocator.ring..";
    static final String SHM = "dev.allocator.shm..";
    static final String AGRONA_VIEWS = "dev.allocator.agrona..";
    static final String JDK = "java..";

    @ArchTest
    public static final ArchRule API_DEPENDS_ON_THE_JDK_ONLY = classes()
            .that().resideInAPackage(API)
            .should().onlyDependOnClassesThat().resideInAnyPackage(API, JDK)
            .as("allocator-api depends on java.. only")
            .because("users and third-party providers must be able to take the API without pulling in anything");

    @ArchTest
    public static final ArchRule SYSTEM_DEPENDS_ON_THE_API_AND_JDK_ONLY = classes()
            .that().resideInAPackage(SYSTEM)
            .should().onlyDependOnClassesThat().resideInAnyPackage(SYSTEM, API, JDK)
            .as("allocator-system depends on the API and java.. only")
            .because("a backend plugs in through the provider SPI and needs nothing but the FFM API");

    @ArchTest
    public static final ArchRule POOL_DEPENDS_ON_THE_API_JDK_AND_AGRONA_ONLY = classes()
            .that().resideInAPackage(POOL)
            .should().onlyDependOnClassesThat().resideInAnyPackage(POOL, API, JDK, "org.agrona..")
            .as("allocator-pool depends on the API, java.. and org.agrona.. only")
            .because("Agrona is the one library the pool chose; anything else is an unreviewed dependency");

    @ArchTest
    public static final ArchRule ARENA_DEPENDS_ON_THE_API_AND_JDK_ONLY = classes()
            .that().resideInAPackage(ARENA)
            .should().onlyDependOnClassesThat().resideInAnyPackage(ARENA, API, JDK)
            .as("allocator-arena depends on the API and java.. only")
            .because("a backend plugs in through the provider SPI and needs nothing but the FFM API");

    @ArchTest
    public static final ArchRule SYSTEM_DOES_NOT_DEPEND_ON_OTHER_BACKENDS = noClasses()
            .that().resideInAPackage(SYSTEM).should().dependOnClassesThat().resideInAnyPackage(POOL, ARENA)
            .as("allocator-system depends on no other backend")
            .because("backends meet only through the Allocator interface, composed by specs at run time");

    @ArchTest
    public static final ArchRule POOL_DOES_NOT_DEPEND_ON_OTHER_BACKENDS = noClasses()
            .that().resideInAPackage(POOL).should().dependOnClassesThat().resideInAnyPackage(SYSTEM, ARENA)
            .as("allocator-pool depends on no other backend")
            .because("backends meet only through the Allocator interface, composed by specs at run time");

    @ArchTest
    public static final ArchRule ARENA_DOES_NOT_DEPEND_ON_OTHER_BACKENDS = noClasses()
            .that().resideInAPackage(ARENA).should().dependOnClassesThat().resideInAnyPackage(SYSTEM, POOL)
            .as("allocator-arena depends on no other backend")
            .because("backends meet only through the Allocator interface, composed by specs at run time");

    @ArchTest
    public static final ArchRule COMPOSE_USES_ONLY_PUBLIC_APIS = classes()
            .that().resideInAPackage(COMPOSE)
            .should().onlyDependOnClassesThat().resideInAnyPackage(COMPOSE, API, "dev.allocator.pool", JDK,
                    "javax.management..", "jdk.jfr..", "org.eclipse.collections..")
            .as("allocator-compose depends on the API, the pool's exported package, java.., JMX, JFR and Eclipse "
                    + "Collections only")
            .because("composition stages stack over any allocator through the API; size classes reuse the pool "
                    + "through its public package, never through internals or another backend");

    @ArchTest
    public static final ArchRule IO_USES_ONLY_THE_API_AND_THE_POOLS_PUBLIC_PACKAGE = classes()
            .that().resideInAPackage(IO)
            .should().onlyDependOnClassesThat().resideInAnyPackage(IO, API, "dev.allocator.pool", JDK)
            .as("allocator-io depends on the API, the pool's exported package and java.. only")
            .because("the packet and I/O buffer pools build on the pool's public index API, so that the pool's "
                    + "internals can change beside them");

    @ArchTest
    public static final ArchRule PAGES_AND_SECURE_DEPEND_ON_THE_API_AND_JDK_ONLY = classes()
            .that().resideInAnyPackage(PAGES, SECURE)
            .should().onlyDependOnClassesThat().resideInAnyPackage(PAGES, SECURE, API, JDK)
            .as("allocator-pages (pages and secure) depends on the API and java.. only")
            .because("page-level backends bind mmap and friends through the FFM Linker and plug in through the "
                    + "provider SPI; pools and arenas compose over them by spec, never by import");

    @ArchTest
    public static final ArchRule RINGS_AND_SHARED_POOL_DEPEND_ON_THE_API_AND_JDK_ONLY = classes()
            .that().resideInAnyPackage(RING, SHM)
            .should().onlyDependOnClassesThat().resideInAnyPackage(RING, SHM, API, JDK)
            .as("allocator-ring and allocator-shm depend on the API and java.. only")
            .because("their whole state lives in a segment another process may map: nothing of another module's "
                    + "heap structures may leak into that layout");

    @ArchTest
    public static final ArchRule AGRONA_VIEWS_DEPEND_ON_THE_API_JDK_AND_AGRONA_ONLY = classes()
            .that().resideInAPackage(AGRONA_VIEWS)
            .should().onlyDependOnClassesThat().resideInAnyPackage(AGRONA_VIEWS, API, JDK, "org.agrona..")
            .as("allocator-agrona depends on the API, java.. and org.agrona.. only")
            .because("an adapter depends on the API and its host alone, so it views blocks of any allocator");

    @ArchTest
    public static final ArchRule NO_UNSAFE_OR_JDK_INTERNALS = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage("sun.misc..", "jdk.internal..", "sun.nio..")
            .as("nothing uses sun.misc.Unsafe or jdk.internal..")
            .because("memory is MemorySegment and atomics are VarHandle; internals break across JDK releases");
}
