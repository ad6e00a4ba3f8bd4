package dev.synod.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.synod.locks.DistributedReentrantLock;
import dev.synod.plugins.jdbc.JdbcStateContainer;
import dev.synod.stm.Stm;
import dev.synod.stm.testkit.StateContainerCompatibilityKit;
import dev.synod.zookeeper.ZooKeeperStm;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Users on the module path get one stable module name per library jar (the Automatic-Module-Name
 * of its manifest, not one derived from the file name), and no package is split between two jars.
 */
class ModuleNamesTest {

    @Test
    void eachLibraryJarNamesItsModuleAndNoTwoShareAPackage() throws Exception {
        Map<Class<?>, String> expected = new LinkedHashMap<>();
        expected.put(Stm.class, "dev.synod.stm");
        expected.put(ZooKeeperStm.class, "dev.synod.zookeeper");
        expected.put(DistributedReentrantLock.class, "dev.synod.locks");
        expected.put(JdbcStateContainer.class, "dev.synod.plugins");
        expected.put(StateContainerCompatibilityKit.class, "dev.synod.stm.testkit");
        Set<String> packages = new HashSet<>();
        for (Map.Entry<Class<?>, String> e : expected.entrySet()) {
            Path jar = location(e.getKey());
            assumeTrue(
                    Files.isRegularFile(jar),
                    "the library is on the class path as classes, not as a jar (" + jar
                            + "): run through Maven, which tests the packaged jars");
            ModuleDescriptor module =
                    ModuleFinder.of(jar).findAll().iterator().next().descriptor();
            assertThat(module.name()).as("module name of %s", jar.getFileName()).isEqualTo(e.getValue());
            assertThat(module.isAutomatic()).isTrue();
            for (String p : module.packages()) {
                assertThat(packages.add(p))
                        .as("package %s in more than one jar", p)
                        .isTrue();
            }
            assertThat(module.packages()).allMatch(p -> p.startsWith(e.getValue()));
        }
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
